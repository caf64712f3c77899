#!/usr/bin/env python3
"""Reads job runs (job|rows|started|finished|outcome, UTC) on stdin and a PostgreSQL server log (log_line_prefix
'%m [%p] db=%d ', log_timezone UTC, log_min_duration_statement = 0); prints one markdown row per step with the time
PostgreSQL spent in the statements of that database that ended during the step (Hangfire's statements and the outbox
dispatcher's polling excluded): the pure-SQL lower bound of the step. Used by infra/bench-nightly.sh."""
import re, sys
from datetime import datetime

log_path, db = sys.argv[1], sys.argv[2]
head = re.compile(r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \S+ \[\d+\] db=(\S*) LOG:  duration: ([\d.]+) ms(.*)$')
prefix = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ')
entries = []  # (time, ms, text)
current = None
with open(log_path, errors='replace') as f:
    for line in f:
        m = head.match(line)
        if m:
            if current: entries.append(current)
            current = None
            if m.group(2) == db:
                current = [datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f'), float(m.group(3)), m.group(4)]
        elif prefix.match(line):
            if current: entries.append(current)
            current = None
        elif current is not None:
            current[2] += ' ' + line.strip()
if current: entries.append(current)

def counted(text):
    t = text.lower()
    if 'hangfire' in t: return False
    if 'outbox_messages' in t and 'insert into' not in t: return False
    return True

def fmt(ms):
    return f'{ms / 1000:.1f} s' if ms >= 1000 else f'{ms:.0f} ms'

total_step = total_sql = 0.0
for row in sys.stdin:
    row = row.strip()
    if not row: continue
    job, rows, started, finished, outcome = row.split('|')
    s = datetime.strptime(started, '%Y-%m-%d %H:%M:%S.%f')
    e = datetime.strptime(finished, '%Y-%m-%d %H:%M:%S.%f') if finished else s
    step_ms = (e - s).total_seconds() * 1000
    sql_ms = sum(ms for t, ms, text in entries if s <= t <= e and counted(text))
    total_step += step_ms; total_sql += sql_ms
    ratio = f'{step_ms / sql_ms:.1f}x' if sql_ms > 0 else 'n/a'
    print(f'| {job}{"" if outcome == "Succeeded" else " (" + outcome + ")"} | {int(rows):,} | {fmt(step_ms)} | {fmt(sql_ms)} | {ratio} |')
ratio = f'{total_step / total_sql:.1f}x' if total_sql > 0 else 'n/a'
print(f'| **whole night** | | **{fmt(total_step)}** | **{fmt(total_sql)}** | {ratio} |')
