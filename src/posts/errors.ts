import { PostConflict } from './posts.js';
import type { FieldIssue } from '../shared/index.js';
import type { PostDeps } from './schedule.js';

/** Nothing with this id in the caller's workspace (another workspace's ids simply do not exist). */
export class NotFound extends Error {
  constructor(readonly what: 'Post' | 'Campaign') {
    super(`${what} not found`);
    this.name = 'NotFound';
  }
}

/** The request names things that cannot be used as asked: each field and what to do. */
export class InvalidRequest extends Error {
  constructor(
    readonly issues: FieldIssue[],
    message = 'The request has invalid fields',
  ) {
    super(message);
    this.name = 'InvalidRequest';
  }
}

/** Who asks, in which workspace, with what the posts services need: the one argument every posts service takes first. */
export interface PostsCaller {
  deps: PostDeps;
  workspaceId: string;
  /** Who asks (the API key's id), recorded with what they change. */
  actor: string;
}

/** A conflict with the state of things that is not a delivery in flight: `slug` names which (`not-retriable`, `campaign-in-use`). */
export class StateConflict extends PostConflict {
  constructor(
    message: string,
    readonly slug: string,
  ) {
    super(message);
    this.name = 'StateConflict';
  }
}
