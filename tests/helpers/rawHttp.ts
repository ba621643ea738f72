/**
 * Raw HTTP over a TCP socket, for requests fetch will not send: malformed request lines,
 * WebSocket upgrades with odd paths, bodies that arrive slowly. Resolves with the status line's
 * code (or null when the server closed without answering) once the server ends the exchange.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number | null;
  text: string;
}

export function rawRequest(port: number, request: string, options: { timeoutMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text });
    };
    // Generous: a loaded machine is slow, and a server that never answers fails the test anyway.
    const timer = setTimeout(finish, options.timeoutMs ?? 15_000);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      // An upgrade refusal or a Connection: close answer ends with the server closing; a
      // keep-alive answer is complete once its declared length has arrived.
      const headEnd = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (headEnd >= 0 && length && text.length >= headEnd + 4 + Number(length[1])) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(request);
  });
}

/** The headers of a WebSocket upgrade, ready to append to a request line. */
export function upgradeHeaders(host: string, extra: string[] = []): string {
  return (
    [
      `Host: ${host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      ...extra,
    ].join('\r\n') + '\r\n\r\n'
  );
}
