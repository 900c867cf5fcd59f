/**
 * Many halls, one center (issue #18; SPEC RGN-*): what a hall ships to the regional center, and
 * the documents the region pushes down (zod-free; the wire schemas are `region.schema.ts`). Shipped facts carry no personal data (`center/strip.ts`
 * in the server decides what leaves; docs/SECURITY.md lists it).
 */

/** The documents a region publishes, each versioned on its own (RGN-PUSH-1). */
export const REGION_DOCUMENT_KINDS = ['catalog', 'calendar', 'risk-list', 'risk-rules'] as const;
export type RegionDocumentKind = (typeof REGION_DOCUMENT_KINDS)[number];

/** The version of each document a hall runs (0 or absent: none applied yet). */
export type RegionVersions = Partial<Record<RegionDocumentKind, number>>;

/**
 * A regional document applied in the hall (RGN-PUSH-2), in the unit that applied it: `regional`
 * names what the region set (item codes, dates, risk codes, rule ids), `localKept` what the hall
 * had of its own and kept (RGN-PUSH-3).
 */
export type RegionFact = {
  type: 'region:document-applied';
  kind: RegionDocumentKind;
  version: number;
  regional: string[];
  localKept: string[];
  by: string;
};

export const REGION_FACT_TYPES = ['region:document-applied'] as const satisfies readonly RegionFact['type'][];

/** One kind of regional document as a hall runs it (`GET /api/region/status`, RGN-PUSH-4). */
export interface RegionDocumentStatus {
  kind: RegionDocumentKind;
  /** 0: none applied yet. */
  version: number;
  /** When it was applied (the fact's time, ms); null before any. */
  at: number | null;
  regional: string[];
  /** The hall's own entries kept beside the regional ones (RGN-PUSH-3). */
  localKept: string[];
  /** A newer version the hall could not apply, and why. */
  refused: { version: number; message: string } | null;
}

/** The hall's replication to the center (RGN-REP-*), as its shipper sees it. */
export interface ReplicationStatus {
  state: 'starting' | 'shipping' | 'idle' | 'backing-off' | 'flagged' | 'stopped';
  hallId: string;
  highWater: number | null;
  hallLastSeq: number;
  lag: number | null;
  lastContact: number | null;
  lastError: string | null;
  flagged: string | null;
}

/** `GET /api/region/status`: null replication when the hall has no center configured. */
export interface RegionStatusView {
  documents: RegionDocumentStatus[];
  replication: ReplicationStatus | null;
}
