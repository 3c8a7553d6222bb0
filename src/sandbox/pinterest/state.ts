import { randomBytes } from 'node:crypto';

export type AccountType = 'PINNER' | 'BUSINESS';
export type BoardPrivacy = 'PUBLIC' | 'PROTECTED' | 'SECRET';
export type CreativeType = 'REGULAR' | 'CAROUSEL' | 'VIDEO';
export type MediaStatus = 'registered' | 'processing' | 'succeeded' | 'failed';

export interface SandboxUser {
  id: string;
  username: string;
  accountType: AccountType;
  createdAt: Date;
}

export interface SandboxApp {
  clientId: string;
  clientSecret: string;
  /** Undefined means any redirect_uri is accepted. */
  redirectUris?: string[];
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
}

export interface IssuedToken {
  token: string;
  kind: 'access' | 'refresh';
  clientId: string;
  userId: string;
  scopes: string[];
  expiresAt: number;
}

export interface Board {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  privacy: BoardPrivacy;
  isAdsOnly: boolean;
  createdAt: Date;
  pinsModifiedAt: Date;
}

export interface BoardSection {
  id: string;
  boardId: string;
  name: string;
}

export interface StoredImage {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
}

export interface CarouselItem {
  image: StoredImage;
  title: string | null;
  description: string | null;
  link: string | null;
}

export interface Pin {
  id: string;
  ownerId: string;
  boardId: string;
  sectionId: string | null;
  parentPinId: string | null;
  title: string | null;
  description: string | null;
  link: string | null;
  altText: string | null;
  dominantColor: string | null;
  isStandard: boolean;
  creativeType: CreativeType;
  createdAt: Date;
  /** One entry for image and video pins (the cover), 2–5 for carousels. */
  items: CarouselItem[];
  videoMediaId: string | null;
}

export interface MediaUpload {
  id: string;
  ownerId: string;
  mediaType: 'video';
  key: string;
  policy: string;
  signature: string;
  bytes: Buffer | null;
  uploadedAt: number | null;
  createdAt: Date;
}

/** Pinterest ids are long decimal strings; a monotonic counter keeps them sortable by creation, which pagination relies on. */
class IdSequence {
  private next: bigint;
  constructor() {
    this.next = BigInt(Date.now()) * 10_000n + BigInt(Math.floor(Math.random() * 1000));
  }
  take(): string {
    this.next += 1n;
    return this.next.toString();
  }
}

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export class SandboxState {
  readonly users = new Map<string, SandboxUser>();
  readonly apps = new Map<string, SandboxApp>();
  readonly authorizationCodes = new Map<string, AuthorizationCode>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly boards = new Map<string, Board>();
  readonly sections = new Map<string, BoardSection>();
  readonly pins = new Map<string, Pin>();
  readonly media = new Map<string, MediaUpload>();
  /** Calls per operation ("POST /v5/pins"), counted as they arrive, including ones later failed or faulted. */
  readonly operationCalls = new Map<string, number>();
  /** Calls per authenticated user per operation. */
  readonly userOperationCalls = new Map<string, Map<string, number>>();
  private readonly ids = new IdSequence();

  constructor(private readonly defaultApps: SandboxApp[]) {
    this.reset();
  }

  newId(): string {
    return this.ids.take();
  }

  reset(): void {
    this.users.clear();
    this.apps.clear();
    this.authorizationCodes.clear();
    this.tokens.clear();
    this.boards.clear();
    this.sections.clear();
    this.pins.clear();
    this.media.clear();
    this.operationCalls.clear();
    this.userOperationCalls.clear();
    for (const app of this.defaultApps) this.apps.set(app.clientId, { ...app });
  }

  createUser(input: { username?: string; accountType?: AccountType } = {}): SandboxUser {
    const id = this.newId();
    const user: SandboxUser = {
      id,
      username: input.username ?? `sandbox_user_${id.slice(-6)}`,
      accountType: input.accountType ?? 'BUSINESS',
      createdAt: new Date(),
    };
    this.users.set(id, user);
    return user;
  }

  findUserByUsername(username: string): SandboxUser | undefined {
    for (const user of this.users.values()) if (user.username === username) return user;
    return undefined;
  }

  countCall(operation: string, userId?: string): void {
    this.operationCalls.set(operation, (this.operationCalls.get(operation) ?? 0) + 1);
    if (userId === undefined) return;
    let perUser = this.userOperationCalls.get(userId);
    if (!perUser) {
      perUser = new Map();
      this.userOperationCalls.set(userId, perUser);
    }
    perUser.set(operation, (perUser.get(operation) ?? 0) + 1);
  }

  createPinCalls(userId: string): number {
    return this.userOperationCalls.get(userId)?.get('POST /v5/pins') ?? 0;
  }

  boardsOf(userId: string): Board[] {
    return [...this.boards.values()].filter((b) => b.ownerId === userId);
  }

  pinsOf(userId: string): Pin[] {
    return [...this.pins.values()].filter((p) => p.ownerId === userId);
  }

  deleteBoard(boardId: string): void {
    this.boards.delete(boardId);
    for (const [id, section] of this.sections) if (section.boardId === boardId) this.sections.delete(id);
    for (const [id, pin] of this.pins) if (pin.boardId === boardId) this.pins.delete(id);
  }

  deleteSection(sectionId: string): void {
    this.sections.delete(sectionId);
    // Unverified: Pinterest may move such pins to the board root; we do so rather than deleting them.
    for (const pin of this.pins.values()) if (pin.sectionId === sectionId) pin.sectionId = null;
  }
}
