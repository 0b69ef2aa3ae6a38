/**
 * Bytes declared by uploads under way on this instance, which the store's
 * usage does not count yet: without them, ten uploads started at once would
 * each see the whole quota free. Held from creation until the upload
 * finishes, is cancelled, or its partial is swept.
 */
export class UploadReservations {
  private readonly held = new Map<string, { uploaderId: string; address: string; bytes: number }>();

  hold(id: string, uploaderId: string, address: string, bytes: number): void {
    this.held.set(id, { uploaderId, address, bytes });
  }

  release(id: string): void {
    this.held.delete(id);
  }

  bytes(by: { uploaderId: string } | { address: string }): number {
    let total = 0;
    for (const entry of this.held.values())
      if ("uploaderId" in by ? entry.uploaderId === by.uploaderId : entry.address === by.address)
        total += entry.bytes;
    return total;
  }
}
