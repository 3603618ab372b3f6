// Generates, from a real browser's String.prototype.toLowerCase, the reference that EcmaScriptCase is held to:
//   lowercase-code-points.txt  every code point U+0000..U+10FFFF alone (surrogates excluded) whose lowercase differs
//   lowercase-contexts.txt     how each code point next to a capital sigma decides the Final_Sigma rule, and strings
//                              that exercise the context rules (final sigma, dotted capital I followed by marks, ...)
//   src/OaiqPixel.Abstractions/Text/EcmaScriptCase.Tables.cs
//                              the lowercase mapping and the Cased / Case_Ignorable ranges the implementation uses
//
// Run once by hand, from the repository root or anywhere:  node tests/OaiqPixel.Abstractions.Tests/Fixtures/generate-lowercase-fixture.mjs
// Needs Node 18 or later and a Chromium (CHROMIUM=/path, default /usr/bin/chromium). The same computation runs in
// Chromium (headless, --dump-dom on a local file, no network) and in Node; the files are written from Chromium's
// answer, because the OpenAI pixel SDK runs in the browser, and the script says whether Node agreed.
// Run it again when a new browser ships a newer Unicode version; the tests then show what changed.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Self-contained: its source text is also sent to Chromium. Returns only ASCII (code points in hex), so nothing is
// lost on the way back through the DOM.
function compute() {
    const hex = cp => cp.toString(16).toUpperCase().padStart(4, '0');
    const hexString = s => Array.from(s, c => hex(c.codePointAt(0))).join(' ');
    const isSurrogate = cp => cp >= 0xD800 && cp <= 0xDFFF;
    const sigma = '\u03A3';

    // 1. Every code point alone.
    const lower = [];
    for (let cp = 0; cp <= 0x10FFFF; cp++) {
        if (isSurrogate(cp)) continue;
        const s = String.fromCodePoint(cp);
        const l = s.toLowerCase();
        if (l !== s) lower.push(hex(cp) + ' ' + hexString(l));
    }

    // 2. The properties the Final_Sigma rule is defined with, from the engine's own Unicode data.
    const casedRe = /^\p{Cased}$/u;
    const ignorableRe = /^\p{Case_Ignorable}$/u;
    const cased = [];
    const ignorable = [];
    // 3. What toLowerCase itself does with each code point X next to a sigma: before it ('.' X 'Σ', 'A' X 'Σ') and after
    //    it ('AΣ' X, 'AΣ' X 'B'). The four answers ('s' = σ, 'f' = final ς) say whether X counts as a cased letter,
    //    is skipped as case-ignorable, or is neither.
    const neighbour = [];
    const last = s => s.slice(-1);
    const mark = c => (c === '\u03C2' ? 'f' : c === '\u03C3' ? 's' : '?');
    for (let cp = 0; cp <= 0x10FFFF; cp++) {
        if (isSurrogate(cp)) continue;
        const x = String.fromCodePoint(cp);
        if (casedRe.test(x)) cased.push(cp);
        if (ignorableRe.test(x)) ignorable.push(cp);
        const signature = mark(last(('.' + x + sigma).toLowerCase())) + mark(('A' + sigma + x).toLowerCase()[1])
            + mark(last(('A' + x + sigma).toLowerCase())) + mark(('A' + sigma + x + 'B').toLowerCase()[1]);
        neighbour.push(signature);
    }

    // 4. Strings that exercise the context rules; the answer is kept verbatim.
    const strings = [
        '\u039F\u0394\u039F\u03A3', // ΟΔΟΣ: final sigma at the end of a word
        '\u039F\u0394\u039F\u03A3 \u039F\u0394\u039F\u03A3', // two words
        '\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3', // ΟΔΥΣΣΕΥΣ: medial, medial, final
        '\u039F\u0394\u039F\u03A3.', '\u039F\u0394\u039F\u03A3,', '\u039F\u0394\u039F\u03A3!', '\u039F\u0394\u039F\u03A3-', // before punctuation
        '\u039F\u0394\u039F\u03A3.\u0391', '\u039F\u0394\u039F\u03A3:\u0391', '\u039F\u0394\u039F\u03A3-\u0391', // punctuation that is / is not case-ignorable, then a letter
        "\u039F\u0394\u039F\u03A3'", "\u039F\u0394\u039F\u03A3'\u0391", "\u039F\u0394\u039F\u03A3\u2019", "\u039F\u0394\u039F\u03A3\u2019\u0391", "'\u03A3'", // apostrophes
        '\u0391\u03A3\u0301', '\u0391\u03A3\u0301\u0391', '\u0391\u0301\u03A3', '\u0301\u03A3', '\u0391\u03A3\u0301\u0308', // combining marks
        '\u03A3', ' \u03A3 ', '\u03A3\u03A3', '\u0391\u03A3\u0391', '\u0391\u03A3\u03A3', '\u03A3\u0391', '1\u03A3', '\u03911\u03A3', '\u0391\u03A31', // lone, doubled, between letters, digits
        'A\u03A3', '\u03A3B', 'a\u03A3', // Latin letters are cased too
        '\u0391\u03A3\u00AD', '\u0391\u03A3\u00AD\u0391', '\u0391\u03A3\u200D', '\u0391\u03A3\u200B\u0391', // soft hyphen, zero-width joiner (ignorable) and space (not)
        '\u02B0\u03A3', '\u0391\u03A3\u02B0', '\u0391\u03A3\u02B0\u0391', '\u0345\u03A3', '\u0391\u03A3\u0345', // cased AND case-ignorable: skipped
        '\u{1D400}\u03A3', '\u0391\u03A3\u{1D400}', '\u0391\u03A3\u{E0001}', '\u0391\u03A3\u{1F600}', '\u{10400}\u03A3', // supplementary planes
        '\u0130', '\u0130\u0301', '\u0130\u0307', '\u0130\u0130', '\u0130stanbul', '\u0130brahim', '\u0130LKER.YILMAZ@EXAMPLE.COM', '\u0130\u03A3', '\u0391\u0130\u03A3', // dotted capital I
        '\u039D\u0399\u039A\u039F\u03A3@EXAMPLE.GR', '\u039C\u0386\u03AA\u039F\u03A3', '\u038C\u03A3\u039F\u03A3', '\u03A3\u0391\u03A3\'', // Greek words in context
        '\u01C5', '\u1E9E', '\u212A', '\u2126', '\u212B', '\u216B', '\u24B6', '\u13A0', '\u1C90', '\u{10400}', '\uA7CB', '\uA7CE', '\u{16EA0}', '\u{10D50}', // single letters whose mapping is easy to get wrong
        'I\u0307', 'J\u0301\u0307', '\u00CC', '\u0128', // Lithuanian and Turkish rules do not apply (toLowerCase is locale-insensitive)
        'Ada.Lovelace@Example.COM', 'M\u00DCLLER', '\u0218TEF\u0102NESCU', // the everyday cases
    ];
    const contexts = strings.map(s => hexString(s) + ' > ' + hexString(s.toLowerCase()));

    // The newest Unicode version whose scripts the engine's regular expressions know, as a label for the header.
    const versions = [['15.0', 'Kawi'], ['16.0', 'Garay'], ['17.0', 'Sidetic']];
    let unicode = 'older than 15.0';
    for (const [version, script] of versions) {
        try {
            new RegExp('\\p{Script=' + script + '}', 'u');
            unicode = version;
        } catch {
            break;
        }
    }

    return { unicode, lower, cased, ignorable, neighbour: neighbour.join(''), contexts };
}

function runInNode() {
    return JSON.stringify(compute());
}

function runInChromium() {
    const dir = mkdtempSync(join(tmpdir(), 'oaiq-lowercase-'));
    try {
        const page = join(dir, 'page.html');
        writeFileSync(page, '<!doctype html><meta charset="utf-8"><body><script>'
            + compute.toString() + '\ndocument.body.textContent = JSON.stringify(compute());</script>');
        const result = spawnSync(chromium, [
            '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync', '--disable-background-networking',
            '--disable-component-update', '--user-data-dir=' + join(dir, 'profile'), '--dump-dom', 'file://' + page,
        ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
        if (result.status !== 0) {
            throw new Error(`${chromium} exited with ${result.status}: ${result.stderr}`);
        }

        const body = /<body>([\s\S]*)<\/body>/.exec(result.stdout);
        if (!body) {
            throw new Error('Chromium printed no <body>: ' + result.stdout.slice(0, 500));
        }

        return body[1].replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function chromiumVersion() {
    const result = spawnSync(chromium, ['--version'], { encoding: 'utf8' });
    const match = /Chromium [0-9.]+/.exec(result.stdout);
    if (!match) {
        throw new Error('Could not read the Chromium version: ' + result.stdout + result.stderr);
    }

    return match[0];
}

const fromChromium = runInChromium();
const fromNode = runInNode();
const data = JSON.parse(fromChromium);
const nodeData = JSON.parse(fromNode);
const engine = `${chromiumVersion()} headless (V8 with its bundled ICU), Unicode ${data.unicode}`;
const nodeAgreed = fromChromium === fromNode;
const crossCheck = nodeAgreed
    ? `Node ${process.versions.node} (ICU ${process.versions.icu}, Unicode ${process.versions.unicode}) gave the same answer for every entry.`
    : `Node ${process.versions.node} (ICU ${process.versions.icu}, Unicode ${process.versions.unicode}, regex data ${nodeData.unicode}) differed; the browser's answer is the reference.`;
const generatedBy = 'tests/OaiqPixel.Abstractions.Tests/Fixtures/generate-lowercase-fixture.mjs';

// ---- What the implementation relies on, checked here so a newer engine cannot silently break it. ----
const lowerMap = new Map(data.lower.map(line => {
    const [cp, ...to] = line.split(' ').map(h => parseInt(h, 16));
    return [cp, to];
}));
for (const [cp, to] of lowerMap) {
    const multi = to.length !== 1;
    const widthChanges = to.length === 1 && (cp > 0xFFFF) !== (to[0] > 0xFFFF);
    if ((multi || widthChanges) && cp !== 0x130) {
        throw new Error(`U+${cp.toString(16)} lowercases to ${to.length} code points or changes UTF-16 length; EcmaScriptCase handles that only for U+0130.`);
    }
}

const cased = new Set(data.cased);
const ignorable = new Set(data.ignorable);
// Classes: 'I' skipped as case-ignorable (checked first, as ICU does), 'C' a cased letter, '-' neither.
const classOf = cp => (ignorable.has(cp) ? 'I' : cased.has(cp) ? 'C' : '-');
const signatureClass = { sfsf: '-', fsfs: 'C', sffs: 'I' };
const neighbourClasses = [];
{
    let i = 0;
    for (let cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        const signature = data.neighbour.slice(i * 4, i * 4 + 4);
        i++;
        const observed = signatureClass[signature];
        if (observed === undefined) {
            throw new Error(`U+${cp.toString(16)} next to a sigma gives '${signature}', which is none of neither / cased / case-ignorable.`);
        }

        if (observed !== classOf(cp)) {
            throw new Error(`U+${cp.toString(16)}: toLowerCase treats it as '${observed}' next to a sigma, but \\p{Cased}/\\p{Case_Ignorable} say '${classOf(cp)}'.`);
        }

        neighbourClasses.push([cp, observed]);
    }
}

// ---- Ranges ----
const hex = cp => cp.toString(16).toUpperCase().padStart(4, '0');

// Runs of one class over consecutive code points (the surrogate gap joins a run: no class there either way).
function classRuns() {
    const runs = [];
    for (const [cp, cls] of neighbourClasses) {
        if (cls === '-') continue;
        const previous = runs.at(-1);
        const contiguous = previous && (previous.end + 1 === cp || (previous.end === 0xD7FF && cp === 0xE000));
        if (previous && contiguous && previous.cls === cls) {
            previous.end = cp;
        } else {
            runs.push({ start: cp, end: cp, cls });
        }
    }

    return runs;
}

// Runs of single-code-point mappings with one delta, every code point (step 1) or every other one (step 2).
function lowercaseRuns() {
    const runs = [];
    for (const [cp, to] of lowerMap) {
        if (cp === 0x130) continue;
        const delta = to[0] - cp;
        const previous = runs.at(-1);
        if (previous && previous.delta === delta) {
            const gap = cp - previous.end;
            if ((previous.start === previous.end && (gap === 1 || gap === 2)) || gap === previous.step) {
                previous.step = gap;
                previous.end = cp;
                continue;
            }
        }

        runs.push({ start: cp, end: cp, step: 1, delta });
    }

    return runs;
}

// ---- Fixture: every code point alone ----
writeFileSync(join(here, 'lowercase-code-points.txt'), [
    '# ECMAScript String.prototype.toLowerCase of every code point U+0000..U+10FFFF taken alone (surrogates excluded).',
    `# Engine: ${engine}.`,
    `# ${crossCheck}`,
    `# Generated by ${generatedBy}; do not edit.`,
    '# One line per code point whose lowercase differs from itself: the code point, then its lowercase, in hex.',
    '# Every code point not listed lowercases to itself.',
    ...data.lower,
    '',
].join('\n'));

// ---- Fixture: context rules ----
const runs = classRuns();
writeFileSync(join(here, 'lowercase-contexts.txt'), [
    '# ECMAScript String.prototype.toLowerCase in context (the Final_Sigma rule and strings around it).',
    `# Engine: ${engine}.`,
    `# ${crossCheck}`,
    `# Generated by ${generatedBy}; do not edit.`,
    '#',
    '# "N <first>..<last> <class>": how toLowerCase treats a code point X next to a capital sigma, observed in',
    "# '.' X 'Σ', 'A' X 'Σ', 'AΣ' X and 'AΣ' X 'B': C = a cased letter (a sigma after it may be final, a sigma before it",
    '# is not), I = case-ignorable (skipped when looking for a cased letter), every code point not listed = neither.',
    '# "S <input> > <output>": a string and its lowercase, code points in hex.',
    ...runs.map(r => `N ${hex(r.start)}..${hex(r.end)} ${r.cls}`),
    ...data.contexts.map(c => 'S ' + c),
    '',
].join('\n'));

// ---- C# tables ----
const lowerRuns = lowercaseRuns();
const indent = '        ';
// Several runs to a line, each padded to the widest run of its table, so the columns line up.
function rows(cells, perLine) {
    const width = Math.max(...cells.map(c => c.length));
    const lines = [];
    for (let i = 0; i < cells.length; i += perLine) {
        lines.push(indent + cells.slice(i, i + perLine).map(c => c.padEnd(width)).join(' ').trimEnd());
    }

    return lines;
}

const csharp = [
    '// <auto-generated>',
    `// Generated by ${generatedBy} from ${engine}; do not edit, run the script again.`,
    '// </auto-generated>',
    'namespace OaiqPixel.Text;',
    '',
    'internal static partial class EcmaScriptCase',
    '{',
    '    /// <summary>',
    '    /// The simple lowercase mappings of toLowerCase, as runs of (first, last, step, delta): every <c>step</c>-th code point',
    '    /// from <c>first</c> to <c>last</c> lowercases to itself plus <c>delta</c>. Sorted and disjoint. U+0130, the one',
    '    /// code point that lowercases to two, is not here.',
    '    /// </summary>',
    '    private static ReadOnlySpan<int> LowercaseRuns =>',
    '    [',
    ...rows(lowerRuns.map(r => `0x${hex(r.start)}, 0x${hex(r.end)}, ${r.step}, ${r.delta},`), 4),
    '    ];',
    '',
    '    /// <summary>',
    '    /// The code points the Final_Sigma rule looks at, as runs of (first, last, kind): kind 1 = Cased and not',
    '    /// Case_Ignorable, kind 2 = Case_Ignorable (including the few that are also Cased: the engine skips those). Sorted and',
    '    /// disjoint; every other code point is neither.',
    '    /// </summary>',
    '    private static ReadOnlySpan<int> SigmaContextRuns =>',
    '    [',
    ...rows(runs.map(r => `0x${hex(r.start)}, 0x${hex(r.end)}, ${r.cls === 'C' ? 1 : 2},`), 6),
    '    ];',
    '}',
    '',
];
writeFileSync(join(repoRoot, 'src/OaiqPixel.Abstractions/Text/EcmaScriptCase.Tables.cs'), csharp.join('\n'));

console.log(`engine: ${engine}`);
console.log(crossCheck);
console.log(`${data.lower.length} code points change; ${lowerRuns.length} mapping runs; ${runs.length} sigma-context runs; ${data.contexts.length} context strings`);
