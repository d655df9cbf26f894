/**
 * Short previews of `input.value` / `output.value` stored as columns, so span lists can show
 * what went in and out without reading (possibly megabyte-sized) attribute JSON.
 */

/** Characters (UTF-16 code units) kept in `inputPreview` / `outputPreview`. */
export const INPUT_PREVIEW_LENGTH = 200;

/** The first `length` code units of `text`, never ending in half of a surrogate pair. */
export function textPreview(text: string, length: number = INPUT_PREVIEW_LENGTH): string {
  if (text.length <= length) return text;
  let end = length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
