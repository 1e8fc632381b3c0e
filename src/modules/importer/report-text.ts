import type { ImportReport, RollbackResult } from './importer-service.js';
import { FIGURE_NAMES } from './plan.js';

const group = (value: string | number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The import's report as the CLI prints it: source figures, rules, accounting, rejected rows, before/after. */
export function formatImportReport(report: ImportReport, mismatches: readonly string[] = []): string {
  const lines: string[] = [];
  const title =
    report.status === 'dry_run'
      ? 'DRY RUN: everything below was done in a transaction that was rolled back; nothing was written'
      : report.status === 'nothing_to_do'
        ? 'Nothing to import: every row of this source is already in the shop or listed below as rejected'
        : `Imported (run #${report.runId})`;
  lines.push(title, '');
  lines.push(`Source: ${report.sourceLabel} (${report.flavour}, key ${report.sourceKey})`);
  const b = report.before;
  lines.push(
    '',
    'Before (the source):',
    `  users ${b.users.total} (without Telegram id ${b.users.without_telegram_id}); languages ${Object.entries(
      b.users.by_language,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; statuses ${Object.entries(b.users.by_status)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  balances: sum ${group(b.balances.sum_toman)} Toman; ${b.balances.positive} positive, ${b.balances.zero} zero, ${b.balances.negative} negative, ${b.balances.null} NULL`,
    `  referrals: ${b.referrals.users_with_referrer} users invited, ${b.referrals.self_referrals} self-referrals, ${b.referrals.two_user_cycles} two-user cycles`,
    `  transactions ${b.transactions.total} (${b.transactions.pre_cutoff} before the cutoff, ${b.transactions.post_cutoff} after):`,
  );
  for (const [type, t] of Object.entries(b.transactions.by_type))
    lines.push(
      `    ${type.padEnd(22)} ${String(t.count).padStart(5)}  stored sum ${group(t.sum_raw).padStart(16)}  in Toman ${group(t.sum_toman).padStart(14)}`,
    );
  lines.push(
    `  subscriptions ${b.subscriptions.total}: ${Object.entries(b.subscriptions.by_status)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; panel links ${Object.entries(b.subscriptions.panel_link)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  promo codes ${b.promocodes.total} (${Object.entries(b.promocodes.by_type)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}), uses ${b.promocodes.uses_total}; promo groups ${b.promo_groups}`,
    `  card-to-card receipts ${b.c2c_receipts.total}: ${Object.entries(b.c2c_receipts.by_status)
      .map(([k, v]) => `${k} ${v.count} (stored sum ${group(v.sum_raw)})`)
      .join(', ')}`,
  );
  lines.push('', 'Rules applied (rows):');
  for (const rule of report.rules) lines.push(`  ${String(rule.rows).padStart(5)}  ${rule.rule}`);
  lines.push('', 'Accounting (source rows = imported + already imported + rejected + not carried):');
  for (const a of report.accounts)
    lines.push(
      `  ${a.table.padEnd(36)} ${String(a.source).padStart(5)} = ${a.imported} + ${a.already} + ${a.rejected} + ${a.notCarried}`,
    );
  lines.push('', 'Money (source sum = carried now + carried earlier + not carried, each listed below):');
  for (const m of report.money)
    lines.push(
      `  ${m.column}: ${group(m.source)} = ${group(m.carried)} + ${group(m.already)} + ${group(m.notCarried)}`,
    );
  lines.push('', `Rejected (${report.rejected.length}):`);
  for (const r of report.rejected) lines.push(`  ${r.table} #${r.sourceId}: ${r.reason}`);
  lines.push('', 'This source in the shop:           before        + this run    = after');
  for (const name of FIGURE_NAMES)
    lines.push(
      `  ${name.padEnd(28)} ${group(report.prior[name] ?? '0').padStart(14)} ${group(report.planned[name] ?? '0').padStart(14)} ${group(report.after[name] ?? '0').padStart(14)}`,
    );
  if (mismatches.length) {
    lines.push('', 'MISMATCH: the counts and sums after writing differ; the import was rolled back:');
    for (const m of mismatches) lines.push(`  ${m}`);
  }
  return lines.join('\n');
}

export function formatRollback(result: RollbackResult): string {
  if (result.status === 'nothing')
    return result.sourceKeys.length === 0
      ? 'Nothing to roll back: no import of a single-tenant shop is recorded for this shop.'
      : `Several sources were imported into this shop; name one with --source: ${result.sourceKeys.join(', ')}`;
  if (result.status === 'refused')
    return [
      `Refused: rows imported from ${result.sourceKey} are in use since the import; nothing was deleted.`,
      ...result.blockers.map((b) => `  ${b.what} #${b.targetId}: ${b.detail}`),
    ].join('\n');
  return [
    `Rolled back everything imported from ${result.sourceKey}:`,
    ...Object.entries(result.deleted).map(([what, n]) => `  ${what}: ${n} deleted`),
    'Panel users were never created by the import and are left as they are.',
  ].join('\n');
}
