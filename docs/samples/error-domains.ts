// Errors the NWError way: a stable code, a domain, the POSIX name (docs/migration.md).
import { WireKitError } from '@wirekit/core';
import { connect } from '@wirekit/framed';

/** As `switch error { case .posix(let code): … case .dns: … case .tls: … }` in Swift. */
export function explain(error: unknown): string {
  if (!(error instanceof WireKitError)) return 'not a WireKit error';
  switch (error.domain) {
    case 'posix':
      return `posix ${error.errno ?? ''}: ${error.code}`; // NWError.posix(.ECONNREFUSED)
    case 'dns':
      return `dns: ${error.code}`; // NWError.dns(…)
    case 'tls':
      return `tls: ${error.code}`; // NWError.tls(…)
    case 'websocket':
      return `websocket: ${error.code} (close code ${error.closeCode ?? 'none'})`;
    case 'usage':
      return `usage: ${error.code}`; // a bug in the caller
  }
}

export async function errorDomains(url: string, refusedUrl: string): Promise<string[]> {
  const transcript: string[] = [];
  await connect(refusedUrl).catch((error: unknown) => transcript.push(explain(error)));

  const connection = await connect(url);
  // 1005 may only be reported, never sent (RFC 6455 §7.4): close() rejects, and the connection stays open.
  await connection.close(1005).catch((error: unknown) => transcript.push(explain(error)));
  await connection.close(1000);
  await connection.send('too late').catch((error: unknown) => transcript.push(explain(error)));
  await connection.receive().catch((error: unknown) => transcript.push(explain(error)));
  return transcript;
}
