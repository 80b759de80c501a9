/**
 * The reference point: a bare node:http server returning a small JSON body. Every Roster scenario
 * is reported as a ratio to this server's request rate on the same machine in the same run.
 * Usage: `node --import tsx bench/baseline-server.ts --port <p>` (0 picks a free port).
 */
import { createServer } from 'node:http';

const portFlag = process.argv.indexOf('--port');
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 0;
const body = JSON.stringify({ schemas: ['urn:example:ok'], ok: true, id: 'baseline' });

const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`Baseline is listening on http://127.0.0.1:${actual}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
