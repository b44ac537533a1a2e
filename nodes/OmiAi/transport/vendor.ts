// The OMI facts moved to nodes/shared, which the credential and every node share.
export * from '../../shared/omi';
export { describeNetworkError } from '../../shared/errors';
export { redactSecrets } from '../../shared/secrets';
export { withoutTrailingSlash } from '../../shared/url';
