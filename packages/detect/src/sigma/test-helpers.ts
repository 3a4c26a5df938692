import type { EvtxRecord } from '../evtx/chunk.js';
import type { JsonValue } from '../evtx/render.js';

/** Builds a record in the reference shape (test fixture builder). */
export function aSysmonEvent(
  eventId: number,
  data: Record<string, JsonValue>,
  time = '2026-01-01T00:00:00.000000Z',
  channel = 'Microsoft-Windows-Sysmon/Operational',
): EvtxRecord {
  return {
    recordId: 1,
    timestamp: time,
    event: {
      Event: {
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
          EventID: eventId,
          TimeCreated: { '#attributes': { SystemTime: time } },
          EventRecordID: 1,
          Channel: channel,
          Computer: 'poste-01.chu.local',
        },
        EventData: data,
      },
    },
  };
}

/** A Security-channel event (e.g. 4688 process creation) in the reference shape. */
export function aSecurityEvent(eventId: number, data: Record<string, JsonValue>, time?: string): EvtxRecord {
  const record = aSysmonEvent(eventId, data, time, 'Security');
  const system = (record.event.Event as { System: Record<string, JsonValue> }).System;
  system.Provider = { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } };
  return record;
}
