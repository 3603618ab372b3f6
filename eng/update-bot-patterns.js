// Called by eng/update-bot-patterns.sh with the unpacked isbot package and the repository root.
//
// isbot's pattern is one alternation of about 200 branches. .NET runs such an alternation at every position of the
// user agent with no literal to search for first (83-106 µs for a desktop Chrome user agent), so the branches are
// split by shape into forms that .NET matches in a few hundred nanoseconds, with the same verdict (a user agent is a
// bot when any branch matches; each branch is evaluated whole, so splitting changes nothing):
//   Substrings    branches that are plain text             -> one SearchValues<string>, case-insensitive
//   Prefixes      "^" + plain text                         -> StartsWith, case-insensitive
//   Anchored      other branches starting with "^"         -> one regex tried at position 0 only
//   Gated         branches containing a literal (2+ chars) that every match must contain
//                                                          -> one regex, run only when one of those literals occurs
//   Ungated       the rest                                 -> one regex
// Before writing anything, the split is checked in JavaScript against isbot itself on the test corpus.
"use strict";
const fs = require("fs");
const path = require("path");

const [packageDir, root] = process.argv.slice(2);
const isbot = require(path.join(packageDir, "index.js"));
const version = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")).version;
const branches = isbot.list;
if (!Array.isArray(branches) || branches.length === 0) {
  throw new Error("isbot no longer exports its pattern list as `list`; update eng/update-bot-patterns.js.");
}

const META = new Set("\\^$.|?*+()[]{}".split(""));

// Splits a branch into top-level atoms (a character, an escape, a class or a group) with their quantifiers.
function atoms(branch) {
  const result = [];
  let topLevelAlternation = false;
  let i = 0;
  const skipClass = (j) => {
    j++;
    if (branch[j] === "^") j++;
    if (branch[j] === "]") j++;
    while (branch[j] !== "]") {
      if (branch[j] === "\\") j++;
      j++;
      if (j >= branch.length) throw new Error(`Unclosed class in ${branch}`);
    }
    return j;
  };
  while (i < branch.length) {
    const c = branch[i];
    let literal = null;
    let end = i + 1;
    if (c === "\\") {
      const next = branch[i + 1];
      literal = /[A-Za-z0-9]/.test(next) ? null : next; // \d \w \b … are not literals; \. \/ \( … are
      end = i + 2;
    } else if (c === "[") {
      end = skipClass(i) + 1;
    } else if (c === "(") {
      let depth = 0;
      let j = i;
      for (; j < branch.length; j++) {
        if (branch[j] === "\\") { j++; continue; }
        if (branch[j] === "[") { j = skipClass(j); continue; }
        if (branch[j] === "(") depth++;
        if (branch[j] === ")" && --depth === 0) break;
      }
      end = j + 1;
    } else if (c === "|") {
      topLevelAlternation = true;
    } else if (!META.has(c)) {
      literal = c;
    }
    const quantifier = /^(?:[?*+]|\{\d+(?:,\d*)?\})\??/.exec(branch.slice(end));
    const q = quantifier ? quantifier[0] : "";
    result.push({ text: branch.slice(i, end), literal, q });
    i = end + q.length;
  }
  return { atoms: result, topLevelAlternation };
}

// The longest run of literal characters that every match of the branch contains, or null.
function requiredLiteral(branch) {
  const parsed = atoms(branch);
  if (parsed.topLevelAlternation) return null;
  let best = "";
  let run = "";
  const close = () => { if (run.length > best.length) best = run; run = ""; };
  for (const atom of parsed.atoms) {
    const atLeastOnce = atom.q === "" || atom.q.startsWith("+") || /^\{[1-9]/.test(atom.q);
    if (atom.literal !== null && atLeastOnce) {
      run += atom.literal;
      if (atom.q !== "") close(); // repeated: the run cannot continue past it
    } else {
      close();
    }
  }
  close();
  return best || null;
}

const isPlain = (text) => /^(?:[^\\^$.|?*+()\[\]{}]|\\[^A-Za-z0-9])+$/.test(text);
const unescape = (text) => text.replace(/\\(.)/g, "$1");
const alternation = (list) => (list.length === 0 ? "(?!)" : list.map((b) => `(?:${b})`).join("|"));

const split = { substrings: [], prefixes: [], anchored: [], gated: [], gateLiterals: [], ungated: [] };
for (const branch of branches) {
  const topLevelAlternation = atoms(branch).topLevelAlternation;
  if (isPlain(branch)) {
    split.substrings.push(unescape(branch));
  } else if (!topLevelAlternation && branch.startsWith("^") && isPlain(branch.slice(1))) {
    split.prefixes.push(unescape(branch.slice(1)));
  } else if (!topLevelAlternation && branch.startsWith("^")) {
    split.anchored.push(branch.slice(1));
  } else {
    const literal = requiredLiteral(branch);
    if (literal !== null && literal.length >= 2) {
      split.gated.push(branch);
      if (!split.gateLiterals.some((l) => l.toLowerCase() === literal.toLowerCase())) split.gateLiterals.push(literal);
    } else {
      split.ungated.push(branch);
    }
  }
}

const patterns = {
  anchored: split.anchored.length === 0 ? "(?!)" : `^(?:${alternation(split.anchored)})`,
  gated: alternation(split.gated),
  ungated: alternation(split.ungated),
};

// The split must give isbot's verdict on every user agent of the corpus (checked here with JavaScript's engine; the
// tests check .NET's against the same corpus).
const splitIsBot = (ua) => {
  const lower = ua.toLowerCase();
  return split.substrings.some((s) => lower.includes(s.toLowerCase()))
    || split.prefixes.some((p) => lower.startsWith(p.toLowerCase()))
    || new RegExp(patterns.anchored, "i").test(ua)
    || new RegExp(patterns.ungated, "i").test(ua)
    || (split.gateLiterals.some((l) => lower.includes(l.toLowerCase())) && new RegExp(patterns.gated, "i").test(ua));
};
const corpusPath = path.join(root, "tests/OaiqPixel.AspNetCore.Tests/ServerViews/isbot-user-agents.json");
const corpus = JSON.parse(fs.readFileSync(corpusPath, "utf8"));
const userAgents = [...new Set([...corpus.bots, ...corpus.browsers])].sort();
for (const ua of userAgents) {
  if (splitIsBot(ua) !== isbot.isbot(ua)) throw new Error(`The split disagrees with isbot ${version} on: ${ua}`);
}

const csString = (s) => JSON.stringify(s); // JSON's escapes are valid C# escapes
const csRaw = (s) => {
  if (s.includes('"""') || s.startsWith('"') || s.endsWith('"')) throw new Error(`Cannot write as a raw string: ${s}`);
  return `"""${s}"""`;
};
const csArray = (list, indent) => list.map((s) => `${indent}${csString(s)},`).join("\n");

const cs = `// <auto-generated>
// isbot ${version} (https://github.com/omrilotan/isbot), The Unlicense: see THIRD-PARTY-NOTICES.txt.
// Written by eng/update-bot-patterns.sh (eng/update-bot-patterns.js explains the split); do not edit by hand.
// </auto-generated>
namespace OaiqPixel.AspNetCore.ServerViews;

/// <summary>isbot's bot user-agent patterns, split by shape so that .NET matches them cheaply (see <see cref="BotUserAgents"/>).</summary>
internal static class BotUserAgentPatterns
{
    /// <summary>Where the patterns come from.</summary>
    public const string Source = "isbot ${version}";

    /// <summary>Branches that are plain text, found anywhere (case-insensitive).</summary>
    public static readonly string[] Substrings =
    [
${csArray(split.substrings, "        ")}
    ];

    /// <summary>Branches that are <c>^</c> and plain text (case-insensitive).</summary>
    public static readonly string[] Prefixes =
    [
${csArray(split.prefixes, "        ")}
    ];

    /// <summary>The other branches anchored at the start, as one pattern.</summary>
    public const string Anchored = ${csRaw(patterns.anchored)};

    /// <summary>Literals of which every match of <see cref="Gated"/> contains one (case-insensitive).</summary>
    public static readonly string[] GateLiterals =
    [
${csArray(split.gateLiterals, "        ")}
    ];

    /// <summary>Branches that each contain one of <see cref="GateLiterals"/>, as one pattern.</summary>
    public const string Gated = ${csRaw(patterns.gated)};

    /// <summary>The remaining branches, as one pattern.</summary>
    public const string Ungated = ${csRaw(patterns.ungated)};
}
`;
fs.writeFileSync(path.join(root, "src/OaiqPixel.AspNetCore/ServerViews/BotUserAgentPatterns.cs"), cs);

const licence = fs.readFileSync(path.join(packageDir, "LICENSE"), "utf8").trim();
const authorsFile = path.join(packageDir, "AUTHORS");
const authors = fs.existsSync(authorsFile) ? fs.readFileSync(authorsFile, "utf8").trim() : "";
const notices = `OaiqPixel.AspNetCore includes third-party material under the licence below.

isbot ${version}
https://github.com/omrilotan/isbot
Its bot user-agent pattern list, split into src/OaiqPixel.AspNetCore/ServerViews/BotUserAgentPatterns.cs.

${licence}
${authors ? `\nAuthors:\n${authors}\n` : ""}`;
fs.writeFileSync(path.join(root, "src/OaiqPixel.AspNetCore/THIRD-PARTY-NOTICES.txt"), notices);

const relabelled = {
  source: corpus.source,
  labelledBy: `isbot ${version}`,
  bots: userAgents.filter((ua) => isbot.isbot(ua)),
  browsers: userAgents.filter((ua) => !isbot.isbot(ua)),
};
fs.writeFileSync(corpusPath, JSON.stringify(relabelled, null, 1) + "\n");

console.log(`isbot ${version}: ${branches.length} branches = ${split.substrings.length} substrings, ${split.prefixes.length} prefixes, `
  + `${split.anchored.length} anchored, ${split.gated.length} gated by ${split.gateLiterals.length} literals, ${split.ungated.length} ungated; `
  + `${relabelled.bots.length} bots and ${relabelled.browsers.length} browsers in the corpus agree.`);
