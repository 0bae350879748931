#!/usr/bin/env python3
"""Reads a speedscope export of `dotnet-trace collect --profile dotnet-sampled-thread-time --format Speedscope`.

Each thread is a list of frame open/close events; a stretch whose innermost frame is CPU_TIME was a thread found in
managed code. Prints the share of those samples per bucket (the first bucket of BUCKETS whose frame name is on the
stack, most specific first), then the top exclusive frames (the frame just above CPU_TIME) and inclusive frames.

    python3 bench/profile/speedscope_cpu.py server.speedscope.json [top-n]
"""
import collections
import json
import sys

BUCKETS = [
    ('request body gzip', 'DeflateStream'), ('request body gzip', 'Inflater.Inflate'),
    ('JSON parse (JsonDocument)', 'AuditIngestBody.TryParse'),
    ('JSON read+validate (AuditEventReader)', 'AuditEventReader.'),
    ('row mapping (AuditEventRow)', 'AuditEventRow.'),
    ('canonical bytes + SHA-256 (chain)', 'AuditChainBatch'), ('canonical bytes + SHA-256 (chain)', 'AuditChain+'),
    ('COPY encoding (WriteRowAsync)', 'WriteRowAsync'),
    ('COPY / statements, rest (Npgsql)', 'PostgresAuditEventStore'),
    ('group commit', 'AuditGroupCommit'),
    ('detection: after-commit actions (new-IP memory)', 'DetectionPass.Committed'),
    ('detection: rules, passes, sweeps', 'AuditKit.Server.Detection'),
    ('response JSON (batch answer)', 'WriteAsJsonAsync'), ('response JSON (batch answer)', 'ExecuteTaskResult'),
    ('ingest endpoint, rest', 'AuditIngestEndpoints'), ('ingest endpoint, rest', 'AuditIngestor'),
    ('auth + key lookup', 'AuthenticationHandler'), ('auth + key lookup', 'ApiKeyLookup'),
    ('rate limiter', 'RateLimit'),
    ('other server code', 'AuditKit.Server!'),
    ('configuration file watcher', 'FileSystemWatcher'),
    ('Kestrel / ASP.NET Core pipeline', 'Microsoft.AspNetCore'),
    ('Npgsql, outside the store', 'Npgsql!'),
    ('socket I/O', 'System.Net.Sockets'),
    ('thread pool: idle workers before they wait', 'LowLevelLifoSemaphore'),
    ('thread pool: idle workers before they wait', 'WorkerThreadStart'),
]


def main():
    profile = json.load(open(sys.argv[1]))
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    frames = [f['name'] for f in profile['shared']['frames']]
    buckets, exclusive, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0.0
    for thread in profile['profiles']:
        stack, last = [], None
        for event in thread['events']:
            at = event['at']
            if stack and last is not None and at > last and frames[stack[-1]] == 'CPU_TIME':
                names = [frames[f] for f in stack[:-1]]
                spent = at - last
                total += spent
                if names and 'PollGC' in names[-1]:
                    bucket = 'GC (threads stopping for a collection)'
                else:
                    joined = '\n'.join(names)
                    bucket = next((b for b, s in BUCKETS if s in joined), 'other (timers, unresolved native frames)')
                buckets[bucket] += spent
                if names:
                    exclusive[names[-1]] += spent
                for name in set(names):
                    inclusive[name] += spent
            last = at
            if event['type'] == 'O':
                stack.append(event['frame'])
            else:
                stack.pop()

    print(f'CPU_TIME samples: {total:.0f} ms')
    for title, counter, n in (('bucket', buckets, len(buckets)), ('exclusive', exclusive, top), ('inclusive', inclusive, top)):
        print(f'\n{title}')
        for name, spent in counter.most_common(n):
            print(f'{100 * spent / total:5.1f} %  {name[:160]}')


if __name__ == '__main__':
    main()
