// Moved to nodes/shared, which both vendors' nodes use.
export * from '../../shared/parameters';
