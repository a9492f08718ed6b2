/** Table and grid cells for a point in time (ISO strings, as the admin API sends them). */
import { localDate, shortDate } from '../lib/time';

/** A table cell with the full local date, muted. */
export function DateCell({ at }: { at: string }) {
  return <td className="muted small">{localDate(Date.parse(at))}</td>;
}

/** A virtual-grid cell with the compact time (today: just the time), the full date on hover. */
export function TimeCell({ at, now }: { at: string; now: number }) {
  const ms = Date.parse(at);
  return (
    <span role="gridcell" title={localDate(ms)}>
      {shortDate(ms, now)}
    </span>
  );
}
