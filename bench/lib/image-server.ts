/**
 * Serves one real 1000×1500 JPEG (Pinterest's advised 2:3) on 127.0.0.1 from its own process,
 * for the ingest bench's run with Pinion's media_url check on (versions that fetched and probed it on
 * each POST, and the validate that makes the probe the POSTs are judged from now): serving it must not
 * take the server's event loop. Answers its URL over IPC.
 */
import { createServer } from 'node:http';
import sharp from 'sharp';

const jpeg = await sharp({ create: { width: 1000, height: 1500, channels: 3, background: { r: 200, g: 80, b: 60 } } })
  .jpeg({ quality: 80 })
  .toBuffer();
const server = createServer((req, res) => {
  if (req.url !== '/bench.jpg') return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length }).end(jpeg);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send!({ url: `http://127.0.0.1:${port}/bench.jpg`, bytes: jpeg.length });
});
// Ends with its parent: the bench disconnects (or exits) when done.
process.on('disconnect', () => process.exit(0));
