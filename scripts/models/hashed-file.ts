/**
 * Writes a file while hashing it, so a 500 MB model is hashed without being read back, and renames it
 * into place only when complete, so an interrupted run never leaves a truncated file that looks valid.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';

export interface WrittenFile {
  bytes: number;
  sha256: string;
}

export class HashedFileWriter {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private readonly tmpPath: string;

  constructor(private readonly path: string) {
    this.tmpPath = `${path}.partial`;
    this.fd = openSync(this.tmpPath, 'w');
  }

  write(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      offset += writeSync(this.fd, chunk, offset, chunk.length - offset);
    }
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  close(): WrittenFile {
    closeSync(this.fd);
    renameSync(this.tmpPath, this.path);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

export function writeHashedFile(path: string, content: string | Uint8Array): WrittenFile {
  const writer = new HashedFileWriter(path);
  writer.write(typeof content === 'string' ? new TextEncoder().encode(content) : content);
  return writer.close();
}
