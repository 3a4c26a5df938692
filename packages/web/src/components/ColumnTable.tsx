import type { ReactNode } from 'react';

/**
 * A DSFR table with a header row of column titles, whose body rows (`<tr>`) are the children: for rows richer
 * than the strings and elements the DSFR `Table` component takes (lists, buttons, several lines per cell).
 */
export function ColumnTable({
  caption,
  headers,
  testId,
  captionHidden = false,
  children,
}: {
  caption: string;
  headers: string[];
  testId?: string;
  /** Keeps the caption for screen readers only. */
  captionHidden?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={captionHidden ? 'fr-table fr-table--no-caption' : 'fr-table'} data-testid={testId}>
      <div className="fr-table__wrapper">
        <div className="fr-table__container">
          <div className="fr-table__content">
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  {headers.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{children}</tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
