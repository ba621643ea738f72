/**
 * The insights report as CSV, one row per day and a total row, for the council's own
 * spreadsheets. Column names are plain words; a council's reporting can rely on them.
 */
import { HANDOFF_REASONS, JOB_OUTCOMES } from './events.js';
import type { InsightsReport } from './report.js';

const CHANNELS = ['web', 'sms'] as const;

export function insightsCsv(report: InsightsReport): string {
  const header = [
    'day',
    'conversations',
    ...CHANNELS.map((c) => `conversations_${c}`),
    'contained',
    'handed_over',
    'abandoned',
    'in_progress',
    'ratings',
    'rating_mean',
    'sms_segments',
    'sms_cost_gbp',
  ];
  const rows: (string | number)[][] = report.days.map((d) => [
    d.day,
    d.conversations,
    ...CHANNELS.map((c) => d.byChannel[c] ?? 0),
    d.contained,
    d.handedOver,
    d.abandoned,
    d.inProgress,
    d.ratings,
    d.ratings ? (d.ratingTotal / d.ratings).toFixed(2) : '',
    d.smsSegments,
    (d.smsSegments * report.smsCost.segmentPrice).toFixed(2),
  ]);
  rows.push([
    'total',
    report.conversations,
    ...CHANNELS.map((c) => report.byChannel[c] ?? 0),
    report.contained,
    report.handedOver.total,
    report.abandoned,
    report.inProgress,
    report.ratings.count,
    report.ratings.mean?.toFixed(2) ?? '',
    report.smsSegments,
    report.smsCost.total.toFixed(2),
  ]);
  // The range's breakdowns, as label,value rows after a blank line.
  const breakdown: (string | number)[][] = [
    ...HANDOFF_REASONS.map((r) => [`handed_over_${r}`, report.handedOver.byReason[r]]),
    ...JOB_OUTCOMES.map((j) => [`job_${j}`, report.jobsCompleted[j]]),
    ['not_understood', report.notUnderstood],
    ['answered_yes', report.answeredQuestion.yes],
    ['answered_no', report.answeredQuestion.no],
    ['handoffs_accepted', report.handoffs.accepted],
    ['mean_seconds_to_accept', report.handoffs.meanSecondsToAccept ?? ''],
    ['mean_seconds_waiting', report.handoffs.meanSecondsWaiting ?? ''],
  ];
  return (
    [header, ...rows, [], ['measure', 'value'], ...breakdown].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
  );
}

/** Quoted when it must be; a leading =, +, - or @ is defused so a spreadsheet never runs it. */
function cell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
