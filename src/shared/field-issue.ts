/** One problem with one input field, in the caller's terms: `field` is a dotted path (`platform_options.<platform>.content`). */
export interface FieldIssue {
  field: string;
  message: string;
}
