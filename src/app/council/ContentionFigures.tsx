import type { CouncilStore } from './council-store.ts';

/**
 * α and fairness per contention group (this device, each inference server), as the scheduler measured
 * them in this session, with what they mean. Server names are text from the endpoint list, never markup.
 */
export function ContentionFigures({ council }: { council: CouncilStore }) {
  const rows = council.contentionRows.value;
  return (
    <section class="council-contention" aria-labelledby="council-contention-heading" data-testid="council-contention">
      <h3 id="council-contention-heading">Contention and fairness</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Where the members run</th>
            <th scope="col">α (contention)</th>
            <th scope="col">Fairness</th>
            <th scope="col">Samples</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.group} data-testid="council-contention-row" data-group={row.group}>
              <th scope="row">{row.where}</th>
              <td data-testid="council-contention-alpha">{row.alpha}</td>
              <td data-testid="council-contention-fairness">{row.fairness}</td>
              <td data-testid="council-contention-samples">{row.samples}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl class="hint">
        <dt>α (contention)</dt>
        <dd>
          How much members running at once on the same hardware slow each other: 0, each runs as fast as alone; 1, together they are no faster than one at a time; above 1,
          slower than taking turns (the scheduler then runs a burst back to back). It needs runs both alone and together there.
        </dd>
        <dt>Fairness</dt>
        <dd>
          Jain's index of the members' median decode rates: 1 when the scheduler serves them alike, 1/n when one member has it all. It needs two members measured there.
        </dd>
        <dt>Samples</dt>
        <dd>Member runs measured in this session. Each server is measured apart from this device: its members share its hardware, not this one's.</dd>
      </dl>
    </section>
  );
}
