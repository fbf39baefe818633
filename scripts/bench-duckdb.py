#!/usr/bin/env python3
"""The reference for `pond bench segments`: the same data (the CSV mirror it writes) and the equivalent SQL in DuckDB.

    python3 scripts/bench-duckdb.py /tmp/pond-segments-csv [NOW_MS]

Loads profiles, events (with the same JSON payloads), tags and stages into an in-memory DuckDB, then times the
nested segment and a full RFM (aggregate + quintiles, materialised), best of three each.
"""
import sys
import time

import duckdb

DAY = 86_400_000


def best_of(con, sql, params, runs=3):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = con.execute(sql, params).fetchall()
        times.append(time.perf_counter() - started)
    return min(times), times, result


def main():
    directory = sys.argv[1]
    now = int(sys.argv[2]) if len(sys.argv) > 2 else 1_795_000_000_000
    con = duckdb.connect()
    started = time.perf_counter()
    con.execute(f"CREATE TABLE profiles AS SELECT * FROM read_csv('{directory}/profiles.csv', header=true)")
    con.execute(
        f"""CREATE TABLE events AS SELECT * FROM read_csv('{directory}/events.csv', header=true,
            columns={{'profile_id': 'BIGINT', 'event': 'VARCHAR', 'ts': 'BIGINT', 'payload': 'VARCHAR'}})""")
    con.execute(f"CREATE TABLE tags AS SELECT * FROM read_csv('{directory}/tags.csv', header=true)")
    con.execute(f"CREATE TABLE stages AS SELECT * FROM read_csv('{directory}/stages.csv', header=true)")
    events = con.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    print(f"duckdb {duckdb.__version__}: loaded {events} events in {time.perf_counter() - started:.1f} s")

    segment = """
        SELECT COUNT(*) FROM profiles p
        WHERE p.id = p.canonical_id
          AND p.id IN (
            SELECT m.canonical_id FROM events e JOIN profiles m ON m.id = e.profile_id
            WHERE e.event = 'Order Completed' AND e.ts BETWEEN ? AND ?
              AND json_extract_string(e.payload, '$.properties.category') = '护肤'
            GROUP BY m.canonical_id HAVING COUNT(*) >= 2)
          AND p.id IN (SELECT profile_id FROM tags WHERE tag = '会员')
          AND p.id NOT IN (SELECT profile_id FROM stages WHERE stage = 'churned')
    """
    best, runs, result = best_of(con, segment, [now - 90 * DAY, now])
    print(f"duckdb segment: {result[0][0]} members, best {best:.2f} s of 3 ({', '.join(f'{t:.2f} s' for t in runs)})")

    rfm = """
        CREATE OR REPLACE TABLE rfm AS
        WITH s AS (
            SELECT m.canonical_id AS pid, COUNT(*) AS f, MAX(e.ts) AS last_ts,
                SUM(COALESCE(TRY_CAST(json_extract_string(e.payload, '$.properties.revenue') AS DOUBLE), 0)) AS amount
            FROM events e JOIN profiles m ON m.id = e.profile_id
            WHERE e.event = 'Order Completed' AND e.ts >= ?
            GROUP BY m.canonical_id)
        SELECT pid, NTILE(5) OVER (ORDER BY last_ts) AS r, NTILE(5) OVER (ORDER BY f) AS f,
            NTILE(5) OVER (ORDER BY amount) AS m FROM s
    """
    best, runs, _ = best_of(con, rfm, [now - 365 * DAY])
    scored = con.execute("SELECT COUNT(*) FROM rfm").fetchone()[0]
    print(f"duckdb full RFM: {scored} profiles scored, best {best:.2f} s of 3 ({', '.join(f'{t:.2f} s' for t in runs)})")


if __name__ == "__main__":
    main()
