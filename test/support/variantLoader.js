// webpack loader for test/support/workflowVariant.ts: applies one source change and
// fails the bundle if its anchor is not found exactly once (the test must not pass by
// silently changing nothing).
module.exports = function variantLoader(source) {
  const { find, replace, prepend = '', file } = this.getOptions();
  const matches = source.match(new RegExp(find, 'g')) ?? [];
  if (matches.length !== 1)
    throw new Error(`workflow variant: ${matches.length} matches of /${find}/ in ${file}; update the anchor in test/support/workflowVariant.ts`);
  return prepend + source.replace(new RegExp(find), replace);
};
