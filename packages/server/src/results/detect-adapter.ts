import { z } from 'zod';
import { type EngineAdapter, InvalidBundle } from './adapters.js';

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
const MAX_ALERTS = 20_000;

/** What `rempart detect --push` sends: the scan's figures and its alerts (Hayabusa-style timeline rows). */
export const DetectBundle = z.object({
  format: z.literal('rempart.detect/1'),
  generatedAt: z.iso.datetime({ offset: true }),
  rulesetVersion: z.string().min(1).max(200),
  rules: z.number().int().min(0),
  files: z.number().int().min(0),
  events: z.number().int().min(0),
  truncated: z.boolean(),
  alerts: z
    .array(
      z.object({
        timestamp: z.string().max(64),
        computer: z.string().max(300),
        channel: z.string().max(300),
        eventId: z.number().int(),
        level: z.enum(LEVELS),
        ruleId: z.string().max(200),
        ruleTitle: z.string().max(500),
        details: z.string().max(4000),
      }),
    )
    .max(MAX_ALERTS),
});
export type DetectBundle = z.infer<typeof DetectBundle>;

export const detectAdapter: EngineAdapter = {
  engine: 'detect',
  label: 'de détection',
  summarise(bundle) {
    const parsed = DetectBundle.safeParse(bundle);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidBundle(`${issue.path.join('.') || 'racine'} : ${issue.message}`);
    }
    const b = parsed.data;
    const byLevel = Object.fromEntries(LEVELS.map((l) => [l, b.alerts.filter((a) => a.level === l).length]));
    return {
      rulesetVersion: b.rulesetVersion,
      generatedAt: new Date(b.generatedAt).toISOString(),
      headline: `${b.alerts.length} alerte(s) dont ${byLevel.critical} critique(s) et ${byLevel.high} haute(s), ${b.events} événements analysés`,
      summary: {
        events: b.events,
        files: b.files,
        rules: b.rules,
        alerts: b.alerts.length,
        byLevel,
        truncated: b.truncated,
      },
      indicators: {
        'detect.alerts_critical': byLevel.critical ?? 0,
        'detect.alerts_high': byLevel.high ?? 0,
        'detect.last_scan': new Date(b.generatedAt).toISOString(),
      },
    };
  },
};
