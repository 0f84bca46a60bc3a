/**
 * Steps a task implies without naming them. "Save the summary to /root/notes/a.md" needs a tool that writes
 * files, though the words that dominate the task are about the summary; "trains for next Wednesday" needs
 * one that knows today's date. Each step is returned as a short query of its own.
 */

/** File paths: `/root/docs/a.md`, `~/x`, `./x/y`, `C:\x`; a trailing full stop is the sentence's, not the path's. */
const PATH = /(?<=^|[\s"'(])(?:~|\.{1,2})?(?:\/[\w.-]*\w)+\/?|[A-Za-z]:\\[\w\\.-]*\w/g;
const FILE_NAME = /\.[a-z0-9]{1,5}$/i;
const FOLDER_AFTER = /^\s*(folder|directory|dir)\b/i;
const WRITE_VERB =
  /\b(save|saved|saving|write|written|writing|store|stored|export|exported|output|put|draft|generate|generated|create|created)\b/gi;
const READ_VERB =
  /\b(read|reading|open|load|view|analy[sz]e|summari[sz]e|check|convert|compare|extract|parse|under)\b/gi;
/** How far before a path its verb is looked for, within the same sentence. */
const VERB_REACH = 120;

/** Dates said relative to now: "tomorrow", "next Wednesday", "the past three days", "the last 24h". */
const RELATIVE_TIME =
  /\b(today|tonight|tomorrow|yesterday|(next|last|past|this|coming)\s+(\d+\s*)?(\w+\s+)?(days?|weeks?|months?|years?|hours?|h|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)|\d+\s*(h|hours?|days?)\s+ago)\b/i;

/** Index of the last match of a global `re` in `text`, or -1. */
function lastIndex(re: RegExp, text: string): number {
  let at = -1;
  for (const m of text.matchAll(re)) at = m.index;
  return at;
}

/** What the task does with each path it names, by the nearest verb before it; a path without a file name is a folder. */
function pathSteps(query: string): string[] {
  const steps: string[] = [];
  // Most tasks name no path: two plain searches spare them the path pattern's scan.
  if (!query.includes('/') && !query.includes('\\')) return steps;
  for (const m of query.matchAll(PATH)) {
    const end = m.index + m[0].length;
    if (!FILE_NAME.test(m[0]) || FOLDER_AFTER.test(query.slice(end, end + 20))) {
      steps.push('list directory files');
      continue;
    }
    const before =
      query
        .slice(Math.max(0, m.index - VERB_REACH), m.index)
        .split(/[.!?;\n]\s/)
        .pop() ?? '';
    const write = lastIndex(WRITE_VERB, before);
    const read = lastIndex(READ_VERB, before);
    if (write > read) steps.push('write file');
    else if (read >= 0) steps.push('read file');
  }
  return steps;
}

export function impliedSteps(query: string): string[] {
  const steps = pathSteps(query);
  if (RELATIVE_TIME.test(query)) steps.push('current date time');
  return [...new Set(steps)];
}
