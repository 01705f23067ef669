/* fold_table.h: the look-alike table behind domain_fold (see docs/fold.md).
 *
 * Each entry maps one lowercase non-ASCII code point to the ASCII it imitates. Sorted by code
 * point for binary search. Sources, in the comments:
 *   dnstwist        every non-ASCII glyph of dnstwist's homoglyph tables (the Debian 20221213
 *                   and the 20250130 releases, per-TLD tables included) and its Latin-to-
 *                   Cyrillic map, each mapped to the letter it stands for there;
 *   cyrillic/greek  look-alikes that those tables lack;
 *   greek, cyrillic, armenian, latin   further common look-alikes;
 *   separator       ideographic full stop, which IDNA treats as a dot.
 * Characters with a compatibility decomposition (fullwidth, mathematical, accented letters)
 * need no entry: domain_fold decomposes them and drops the marks. */
#ifndef CTLITE_FOLD_TABLE_H
#define CTLITE_FOLD_TABLE_H

#include <stdint.h>

struct fold_entry {
    uint32_t cp;
    const char *ascii;
};

static const struct fold_entry fold_table[] = {
    {0x00DF, "ss"}, /* ß LATIN SMALL LETTER SHARP S (latin) */
    {0x00E0, "a"},  /* à LATIN SMALL LETTER A WITH GRAVE (dnstwist) */
    {0x00E1, "a"},  /* á LATIN SMALL LETTER A WITH ACUTE (dnstwist) */
    {0x00E2, "a"},  /* â LATIN SMALL LETTER A WITH CIRCUMFLEX (dnstwist) */
    {0x00E3, "a"},  /* ã LATIN SMALL LETTER A WITH TILDE (dnstwist) */
    {0x00E4, "a"},  /* ä LATIN SMALL LETTER A WITH DIAERESIS (dnstwist) */
    {0x00E5, "a"},  /* å LATIN SMALL LETTER A WITH RING ABOVE (dnstwist) */
    {0x00E6, "ae"}, /* æ LATIN SMALL LETTER AE (dnstwist) */
    {0x00E7, "c"},  /* ç LATIN SMALL LETTER C WITH CEDILLA (dnstwist) */
    {0x00E8, "e"},  /* è LATIN SMALL LETTER E WITH GRAVE (dnstwist) */
    {0x00E9, "e"},  /* é LATIN SMALL LETTER E WITH ACUTE (dnstwist) */
    {0x00EA, "e"},  /* ê LATIN SMALL LETTER E WITH CIRCUMFLEX (dnstwist) */
    {0x00EB, "e"},  /* ë LATIN SMALL LETTER E WITH DIAERESIS (dnstwist) */
    {0x00EC, "i"},  /* ì LATIN SMALL LETTER I WITH GRAVE (dnstwist) */
    {0x00ED, "i"},  /* í LATIN SMALL LETTER I WITH ACUTE (dnstwist) */
    {0x00EE, "i"},  /* î LATIN SMALL LETTER I WITH CIRCUMFLEX (dnstwist) */
    {0x00EF, "i"},  /* ï LATIN SMALL LETTER I WITH DIAERESIS (dnstwist) */
    {0x00F0, "d"},  /* ð LATIN SMALL LETTER ETH (latin) */
    {0x00F1, "n"},  /* ñ LATIN SMALL LETTER N WITH TILDE (dnstwist) */
    {0x00F2, "o"},  /* ò LATIN SMALL LETTER O WITH GRAVE (dnstwist) */
    {0x00F3, "o"},  /* ó LATIN SMALL LETTER O WITH ACUTE (dnstwist) */
    {0x00F4, "o"},  /* ô LATIN SMALL LETTER O WITH CIRCUMFLEX (dnstwist) */
    {0x00F5, "o"},  /* õ LATIN SMALL LETTER O WITH TILDE (dnstwist) */
    {0x00F6, "o"},  /* ö LATIN SMALL LETTER O WITH DIAERESIS (dnstwist) */
    {0x00F8, "o"},  /* ø LATIN SMALL LETTER O WITH STROKE (dnstwist) */
    {0x00F9, "u"},  /* ù LATIN SMALL LETTER U WITH GRAVE (dnstwist) */
    {0x00FA, "u"},  /* ú LATIN SMALL LETTER U WITH ACUTE (dnstwist) */
    {0x00FB, "u"},  /* û LATIN SMALL LETTER U WITH CIRCUMFLEX (dnstwist) */
    {0x00FC, "u"},  /* ü LATIN SMALL LETTER U WITH DIAERESIS (dnstwist) */
    {0x00FD, "y"},  /* ý LATIN SMALL LETTER Y WITH ACUTE (dnstwist) */
    {0x00FE, "p"},  /* þ LATIN SMALL LETTER THORN (cyrillic/greek) */
    {0x00FF, "y"},  /* ÿ LATIN SMALL LETTER Y WITH DIAERESIS (dnstwist) */
    {0x0101, "a"},  /* ā LATIN SMALL LETTER A WITH MACRON (dnstwist) */
    {0x0103, "a"},  /* ă LATIN SMALL LETTER A WITH BREVE (dnstwist) */
    {0x0105, "a"},  /* ą LATIN SMALL LETTER A WITH OGONEK (dnstwist) */
    {0x0107, "c"},  /* ć LATIN SMALL LETTER C WITH ACUTE (dnstwist) */
    {0x0109, "c"},  /* ĉ LATIN SMALL LETTER C WITH CIRCUMFLEX (dnstwist) */
    {0x010B, "c"},  /* ċ LATIN SMALL LETTER C WITH DOT ABOVE (dnstwist) */
    {0x010D, "c"},  /* č LATIN SMALL LETTER C WITH CARON (dnstwist) */
    {0x010F, "d"},  /* ď LATIN SMALL LETTER D WITH CARON (dnstwist) */
    {0x0111, "d"},  /* đ LATIN SMALL LETTER D WITH STROKE (dnstwist) */
    {0x0113, "e"},  /* ē LATIN SMALL LETTER E WITH MACRON (dnstwist) */
    {0x0115, "e"},  /* ĕ LATIN SMALL LETTER E WITH BREVE (dnstwist) */
    {0x0117, "e"},  /* ė LATIN SMALL LETTER E WITH DOT ABOVE (dnstwist) */
    {0x0119, "e"},  /* ę LATIN SMALL LETTER E WITH OGONEK (dnstwist) */
    {0x011B, "e"},  /* ě LATIN SMALL LETTER E WITH CARON (dnstwist) */
    {0x011D, "g"},  /* ĝ LATIN SMALL LETTER G WITH CIRCUMFLEX (dnstwist) */
    {0x011F, "g"},  /* ğ LATIN SMALL LETTER G WITH BREVE (dnstwist) */
    {0x0121, "g"},  /* ġ LATIN SMALL LETTER G WITH DOT ABOVE (dnstwist) */
    {0x0123, "g"},  /* ģ LATIN SMALL LETTER G WITH CEDILLA (dnstwist) */
    {0x0125, "h"},  /* ĥ LATIN SMALL LETTER H WITH CIRCUMFLEX (dnstwist) */
    {0x0127, "h"},  /* ħ LATIN SMALL LETTER H WITH STROKE (dnstwist) */
    {0x0129, "i"},  /* ĩ LATIN SMALL LETTER I WITH TILDE (dnstwist) */
    {0x012B, "i"},  /* ī LATIN SMALL LETTER I WITH MACRON (dnstwist) */
    {0x012D, "i"},  /* ĭ LATIN SMALL LETTER I WITH BREVE (dnstwist) */
    {0x012F, "i"},  /* į LATIN SMALL LETTER I WITH OGONEK (dnstwist) */
    {0x0131, "i"},  /* ı LATIN SMALL LETTER DOTLESS I (dnstwist) */
    {0x0135, "j"},  /* ĵ LATIN SMALL LETTER J WITH CIRCUMFLEX (dnstwist) */
    {0x0137, "k"},  /* ķ LATIN SMALL LETTER K WITH CEDILLA (dnstwist) */
    {0x0138, "k"},  /* ĸ LATIN SMALL LETTER KRA (dnstwist) */
    {0x013A, "l"},  /* ĺ LATIN SMALL LETTER L WITH ACUTE (dnstwist) */
    {0x013C, "l"},  /* ļ LATIN SMALL LETTER L WITH CEDILLA (dnstwist) */
    {0x013E, "l"},  /* ľ LATIN SMALL LETTER L WITH CARON (dnstwist) */
    {0x0140, "l"},  /* ŀ LATIN SMALL LETTER L WITH MIDDLE DOT (latin) */
    {0x0142, "l"},  /* ł LATIN SMALL LETTER L WITH STROKE (dnstwist) */
    {0x0144, "n"},  /* ń LATIN SMALL LETTER N WITH ACUTE (dnstwist) */
    {0x0146, "n"},  /* ņ LATIN SMALL LETTER N WITH CEDILLA (dnstwist) */
    {0x0148, "n"},  /* ň LATIN SMALL LETTER N WITH CARON (dnstwist) */
    {0x0149, "n"},  /* ŉ LATIN SMALL LETTER N PRECEDED BY APOSTROPHE (latin) */
    {0x014B, "n"},  /* ŋ LATIN SMALL LETTER ENG (dnstwist) */
    {0x014D, "o"},  /* ō LATIN SMALL LETTER O WITH MACRON (dnstwist) */
    {0x014F, "o"},  /* ŏ LATIN SMALL LETTER O WITH BREVE (dnstwist) */
    {0x0151, "o"},  /* ő LATIN SMALL LETTER O WITH DOUBLE ACUTE (dnstwist) */
    {0x0153, "oe"}, /* œ LATIN SMALL LIGATURE OE (dnstwist) */
    {0x0155, "r"},  /* ŕ LATIN SMALL LETTER R WITH ACUTE (dnstwist) */
    {0x0157, "r"},  /* ŗ LATIN SMALL LETTER R WITH CEDILLA (dnstwist) */
    {0x0159, "r"},  /* ř LATIN SMALL LETTER R WITH CARON (dnstwist) */
    {0x015B, "s"},  /* ś LATIN SMALL LETTER S WITH ACUTE (dnstwist) */
    {0x015D, "s"},  /* ŝ LATIN SMALL LETTER S WITH CIRCUMFLEX (dnstwist) */
    {0x015F, "s"},  /* ş LATIN SMALL LETTER S WITH CEDILLA (dnstwist) */
    {0x0161, "s"},  /* š LATIN SMALL LETTER S WITH CARON (dnstwist) */
    {0x0163, "t"},  /* ţ LATIN SMALL LETTER T WITH CEDILLA (dnstwist) */
    {0x0165, "t"},  /* ť LATIN SMALL LETTER T WITH CARON (dnstwist) */
    {0x0167, "t"},  /* ŧ LATIN SMALL LETTER T WITH STROKE (dnstwist) */
    {0x0169, "u"},  /* ũ LATIN SMALL LETTER U WITH TILDE (dnstwist) */
    {0x016B, "u"},  /* ū LATIN SMALL LETTER U WITH MACRON (dnstwist) */
    {0x016D, "u"},  /* ŭ LATIN SMALL LETTER U WITH BREVE (dnstwist) */
    {0x016F, "u"},  /* ů LATIN SMALL LETTER U WITH RING ABOVE (dnstwist) */
    {0x0171, "u"},  /* ű LATIN SMALL LETTER U WITH DOUBLE ACUTE (dnstwist) */
    {0x0173, "u"},  /* ų LATIN SMALL LETTER U WITH OGONEK (dnstwist) */
    {0x0175, "w"},  /* ŵ LATIN SMALL LETTER W WITH CIRCUMFLEX (dnstwist) */
    {0x0177, "y"},  /* ŷ LATIN SMALL LETTER Y WITH CIRCUMFLEX (dnstwist) */
    {0x017A, "z"},  /* ź LATIN SMALL LETTER Z WITH ACUTE (dnstwist) */
    {0x017C, "z"},  /* ż LATIN SMALL LETTER Z WITH DOT ABOVE (dnstwist) */
    {0x017E, "z"},  /* ž LATIN SMALL LETTER Z WITH CARON (dnstwist) */
    {0x0180, "b"},  /* ƀ LATIN SMALL LETTER B WITH STROKE (latin) */
    {0x0185, "b"},  /* ƅ LATIN SMALL LETTER TONE SIX (dnstwist) */
    {0x0188, "c"},  /* ƈ LATIN SMALL LETTER C WITH HOOK (dnstwist) */
    {0x0192, "f"},  /* ƒ LATIN SMALL LETTER F WITH HOOK (dnstwist) */
    {0x01A1, "o"},  /* ơ LATIN SMALL LETTER O WITH HORN (dnstwist) */
    {0x01A5, "p"},  /* ƥ LATIN SMALL LETTER P WITH HOOK (dnstwist) */
    {0x01AB, "t"},  /* ƫ LATIN SMALL LETTER T WITH PALATAL HOOK (dnstwist) */
    {0x01B0, "u"},  /* ư LATIN SMALL LETTER U WITH HORN (dnstwist) */
    {0x01B4, "y"},  /* ƴ LATIN SMALL LETTER Y WITH HOOK (dnstwist) */
    {0x01B6, "z"},  /* ƶ LATIN SMALL LETTER Z WITH STROKE (dnstwist) */
    {0x01BB, "2"},  /* ƻ LATIN LETTER TWO WITH STROKE (dnstwist) */
    {0x01BD, "5"},  /* ƽ LATIN SMALL LETTER TONE FIVE (dnstwist) */
    {0x01BF, "p"},  /* ƿ LATIN LETTER WYNN (dnstwist) */
    {0x01CE, "a"},  /* ǎ LATIN SMALL LETTER A WITH CARON (dnstwist) */
    {0x01D0, "i"},  /* ǐ LATIN SMALL LETTER I WITH CARON (dnstwist) */
    {0x01D4, "u"},  /* ǔ LATIN SMALL LETTER U WITH CARON (dnstwist) */
    {0x01E5, "g"},  /* ǥ LATIN SMALL LETTER G WITH STROKE (dnstwist) */
    {0x01E7, "g"},  /* ǧ LATIN SMALL LETTER G WITH CARON (dnstwist) */
    {0x01E9, "k"},  /* ǩ LATIN SMALL LETTER K WITH CARON (dnstwist) */
    {0x01F0, "j"},  /* ǰ LATIN SMALL LETTER J WITH CARON (dnstwist) */
    {0x01F5, "g"},  /* ǵ LATIN SMALL LETTER G WITH ACUTE (dnstwist) */
    {0x01F9, "n"},  /* ǹ LATIN SMALL LETTER N WITH GRAVE (dnstwist) */
    {0x020B, "i"},  /* ȋ LATIN SMALL LETTER I WITH INVERTED BREVE (dnstwist) */
    {0x0211, "r"},  /* ȑ LATIN SMALL LETTER R WITH DOUBLE GRAVE (dnstwist) */
    {0x0213, "r"},  /* ȓ LATIN SMALL LETTER R WITH INVERTED BREVE (dnstwist) */
    {0x0215, "u"},  /* ȕ LATIN SMALL LETTER U WITH DOUBLE GRAVE (dnstwist) */
    {0x0217, "u"},  /* ȗ LATIN SMALL LETTER U WITH INVERTED BREVE (dnstwist) */
    {0x0219, "s"},  /* ș LATIN SMALL LETTER S WITH COMMA BELOW (dnstwist) */
    {0x021B, "t"},  /* ț LATIN SMALL LETTER T WITH COMMA BELOW (dnstwist) */
    {0x021F, "h"},  /* ȟ LATIN SMALL LETTER H WITH CARON (dnstwist) */
    {0x0225, "z"},  /* ȥ LATIN SMALL LETTER Z WITH HOOK (latin) */
    {0x0227, "a"},  /* ȧ LATIN SMALL LETTER A WITH DOT ABOVE (dnstwist) */
    {0x0229, "e"},  /* ȩ LATIN SMALL LETTER E WITH CEDILLA (dnstwist) */
    {0x022F, "o"},  /* ȯ LATIN SMALL LETTER O WITH DOT ABOVE (dnstwist) */
    {0x0233, "y"},  /* ȳ LATIN SMALL LETTER Y WITH MACRON (dnstwist) */
    {0x0247, "e"},  /* ɇ LATIN SMALL LETTER E WITH STROKE (dnstwist) */
    {0x0249, "j"},  /* ɉ LATIN SMALL LETTER J WITH STROKE (dnstwist) */
    {0x024D, "r"},  /* ɍ LATIN SMALL LETTER R WITH STROKE (dnstwist) */
    {0x024F, "y"},  /* ɏ LATIN SMALL LETTER Y WITH STROKE (dnstwist) */
    {0x0251, "a"},  /* ɑ LATIN SMALL LETTER ALPHA (dnstwist) */
    {0x0253, "b"},  /* ɓ LATIN SMALL LETTER B WITH HOOK (dnstwist) */
    {0x0256, "d"},  /* ɖ LATIN SMALL LETTER D WITH TAIL (dnstwist) */
    {0x0257, "d"},  /* ɗ LATIN SMALL LETTER D WITH HOOK (dnstwist) */
    {0x0259, "a"},  /* ə LATIN SMALL LETTER SCHWA (dnstwist) */
    {0x0261, "g"},  /* ɡ LATIN SMALL LETTER SCRIPT G (dnstwist) */
    {0x0262, "g"},  /* ɢ LATIN LETTER SMALL CAPITAL G (dnstwist) */
    {0x0266, "h"},  /* ɦ LATIN SMALL LETTER H WITH HOOK (dnstwist) */
    {0x0268, "i"},  /* ɨ LATIN SMALL LETTER I WITH STROKE (dnstwist) */
    {0x0269, "i"},  /* ɩ LATIN SMALL LETTER IOTA (dnstwist) */
    {0x026A, "i"},  /* ɪ LATIN LETTER SMALL CAPITAL I (dnstwist) */
    {0x026B, "l"},  /* ɫ LATIN SMALL LETTER L WITH MIDDLE TILDE (dnstwist) */
    {0x0271, "m"},  /* ɱ LATIN SMALL LETTER M WITH HOOK (dnstwist) */
    {0x027C, "r"},  /* ɼ LATIN SMALL LETTER R WITH LONG LEG (dnstwist) */
    {0x027D, "r"},  /* ɽ LATIN SMALL LETTER R WITH TAIL (dnstwist) */
    {0x027E, "r"},  /* ɾ LATIN SMALL LETTER R WITH FISHHOOK (dnstwist) */
    {0x0280, "r"},  /* ʀ LATIN LETTER SMALL CAPITAL R (dnstwist) */
    {0x0282, "s"},  /* ʂ LATIN SMALL LETTER S WITH HOOK (dnstwist) */
    {0x0289, "u"},  /* ʉ LATIN SMALL LETTER U BAR (dnstwist) */
    {0x028F, "y"},  /* ʏ LATIN LETTER SMALL CAPITAL Y (dnstwist) */
    {0x0290, "z"},  /* ʐ LATIN SMALL LETTER Z WITH RETROFLEX HOOK (dnstwist) */
    {0x0292, "3"},  /* ʒ LATIN SMALL LETTER EZH (dnstwist) */
    {0x0299, "b"},  /* ʙ LATIN LETTER SMALL CAPITAL B (dnstwist) */
    {0x029D, "j"},  /* ʝ LATIN SMALL LETTER J WITH CROSSED-TAIL (dnstwist) */
    {0x02A0, "q"},  /* ʠ LATIN SMALL LETTER Q WITH HOOK (dnstwist) */
    {0x03B1, "a"},  /* α GREEK SMALL LETTER ALPHA (greek) */
    {0x03B2, "b"},  /* β GREEK SMALL LETTER BETA (greek) */
    {0x03B3, "y"},  /* γ GREEK SMALL LETTER GAMMA (greek) */
    {0x03B5, "e"},  /* ε GREEK SMALL LETTER EPSILON (greek) */
    {0x03B7, "n"},  /* η GREEK SMALL LETTER ETA (greek) */
    {0x03B9, "i"},  /* ι GREEK SMALL LETTER IOTA (greek) */
    {0x03BA, "k"},  /* κ GREEK SMALL LETTER KAPPA (cyrillic/greek) */
    {0x03BC, "u"},  /* μ GREEK SMALL LETTER MU (greek) */
    {0x03BD, "v"},  /* ν GREEK SMALL LETTER NU (greek) */
    {0x03BF, "o"},  /* ο GREEK SMALL LETTER OMICRON (greek) */
    {0x03C1, "p"},  /* ρ GREEK SMALL LETTER RHO (greek) */
    {0x03C2, "c"},  /* ς GREEK SMALL LETTER FINAL SIGMA (greek) */
    {0x03C3, "o"},  /* σ GREEK SMALL LETTER SIGMA (greek) */
    {0x03C4, "t"},  /* τ GREEK SMALL LETTER TAU (greek) */
    {0x03C5, "u"},  /* υ GREEK SMALL LETTER UPSILON (greek) */
    {0x03C7, "x"},  /* χ GREEK SMALL LETTER CHI (cyrillic/greek) */
    {0x03C9, "w"},  /* ω GREEK SMALL LETTER OMEGA (cyrillic/greek) */
    {0x03F1, "p"},  /* ϱ GREEK RHO SYMBOL (greek) */
    {0x03F2, "c"},  /* ϲ GREEK LUNATE SIGMA SYMBOL (greek) */
    {0x03F3, "j"},  /* ϳ GREEK LETTER YOT (greek) */
    {0x03F5, "e"},  /* ϵ GREEK LUNATE EPSILON SYMBOL (greek) */
    {0x03FC, "p"},  /* ϼ GREEK RHO WITH STROKE SYMBOL (cyrillic/greek) */
    {0x0430, "a"},  /* а CYRILLIC SMALL LETTER A (dnstwist) */
    {0x0431, "6"},  /* б CYRILLIC SMALL LETTER BE (cyrillic) */
    {0x0432, "b"},  /* в CYRILLIC SMALL LETTER VE (cyrillic/greek) */
    {0x0433, "r"},  /* г CYRILLIC SMALL LETTER GHE (cyrillic) */
    {0x0435, "e"},  /* е CYRILLIC SMALL LETTER IE (dnstwist) */
    {0x0437, "3"},  /* з CYRILLIC SMALL LETTER ZE (cyrillic/greek) */
    {0x043A, "k"},  /* к CYRILLIC SMALL LETTER KA (dnstwist) */
    {0x043C, "m"},  /* м CYRILLIC SMALL LETTER EM (dnstwist) */
    {0x043D, "h"},  /* н CYRILLIC SMALL LETTER EN (cyrillic/greek) */
    {0x043E, "o"},  /* о CYRILLIC SMALL LETTER O (dnstwist) */
    {0x043F, "n"},  /* п CYRILLIC SMALL LETTER PE (cyrillic/greek) */
    {0x0440, "p"},  /* р CYRILLIC SMALL LETTER ER (dnstwist) */
    {0x0441, "c"},  /* с CYRILLIC SMALL LETTER ES (dnstwist) */
    {0x0442, "t"},  /* т CYRILLIC SMALL LETTER TE (dnstwist) */
    {0x0443, "y"},  /* у CYRILLIC SMALL LETTER U (dnstwist) */
    {0x0445, "x"},  /* х CYRILLIC SMALL LETTER HA (dnstwist) */
    {0x0447, "4"},  /* ч CYRILLIC SMALL LETTER CHE (cyrillic) */
    {0x0448, "w"},  /* ш CYRILLIC SMALL LETTER SHA (cyrillic/greek) */
    {0x0449, "w"},  /* щ CYRILLIC SMALL LETTER SHCHA (cyrillic/greek) */
    {0x044A, "b"},  /* ъ CYRILLIC SMALL LETTER HARD SIGN (cyrillic) */
    {0x044C, "b"},  /* ь CYRILLIC SMALL LETTER SOFT SIGN (dnstwist) */
    {0x0454, "e"},  /* є CYRILLIC SMALL LETTER UKRAINIAN IE (cyrillic/greek) */
    {0x0455, "s"},  /* ѕ CYRILLIC SMALL LETTER DZE (dnstwist) */
    {0x0456, "i"},  /* і CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (dnstwist) */
    {0x0458, "j"},  /* ј CYRILLIC SMALL LETTER JE (dnstwist) */
    {0x045B, "h"},  /* ћ CYRILLIC SMALL LETTER TSHE (cyrillic/greek) */
    {0x0461, "w"},  /* ѡ CYRILLIC SMALL LETTER OMEGA (cyrillic) */
    {0x0475, "v"},  /* ѵ CYRILLIC SMALL LETTER IZHITSA (dnstwist) */
    {0x048D, "b"},  /* ҍ CYRILLIC SMALL LETTER SEMISOFT SIGN (cyrillic/greek) */
    {0x048F, "p"},  /* ҏ CYRILLIC SMALL LETTER ER WITH TICK (cyrillic/greek) */
    {0x0491, "r"},  /* ґ CYRILLIC SMALL LETTER GHE WITH UPTURN (cyrillic/greek) */
    {0x0493, "f"},  /* ғ CYRILLIC SMALL LETTER GHE WITH STROKE (cyrillic/greek) */
    {0x0499, "3"},  /* ҙ CYRILLIC SMALL LETTER ZE WITH DESCENDER (cyrillic/greek) */
    {0x049B, "k"},  /* қ CYRILLIC SMALL LETTER KA WITH DESCENDER (cyrillic/greek) */
    {0x049D, "k"},  /* ҝ CYRILLIC SMALL LETTER KA WITH VERTICAL STROKE (cyrillic/greek) */
    {0x049F, "k"},  /* ҟ CYRILLIC SMALL LETTER KA WITH STROKE (cyrillic/greek) */
    {0x04A1, "k"},  /* ҡ CYRILLIC SMALL LETTER BASHKIR KA (cyrillic/greek) */
    {0x04A3, "h"},  /* ң CYRILLIC SMALL LETTER EN WITH DESCENDER (cyrillic/greek) */
    {0x04A5, "h"},  /* ҥ CYRILLIC SMALL LIGATURE EN GHE (cyrillic/greek) */
    {0x04AB, "c"},  /* ҫ CYRILLIC SMALL LETTER ES WITH DESCENDER (cyrillic/greek) */
    {0x04AD, "t"},  /* ҭ CYRILLIC SMALL LETTER TE WITH DESCENDER (cyrillic/greek) */
    {0x04AF, "y"},  /* ү CYRILLIC SMALL LETTER STRAIGHT U (cyrillic) */
    {0x04B1, "y"},  /* ұ CYRILLIC SMALL LETTER STRAIGHT U WITH STROKE (cyrillic/greek) */
    {0x04B3, "x"},  /* ҳ CYRILLIC SMALL LETTER HA WITH DESCENDER (cyrillic/greek) */
    {0x04B7, "4"},  /* ҷ CYRILLIC SMALL LETTER CHE WITH DESCENDER (cyrillic) */
    {0x04BB, "h"},  /* һ CYRILLIC SMALL LETTER SHHA (dnstwist) */
    {0x04BD, "e"},  /* ҽ CYRILLIC SMALL LETTER ABKHASIAN CHE (cyrillic/greek) */
    {0x04BF, "e"},  /* ҿ CYRILLIC SMALL LETTER ABKHASIAN CHE WITH DESCENDER (cyrillic/greek) */
    {0x04C4, "k"},  /* ӄ CYRILLIC SMALL LETTER KA WITH HOOK (cyrillic/greek) */
    {0x04C8, "h"},  /* ӈ CYRILLIC SMALL LETTER EN WITH HOOK (cyrillic/greek) */
    {0x04CA, "h"},  /* ӊ CYRILLIC SMALL LETTER EN WITH TAIL (cyrillic/greek) */
    {0x04CE, "m"},  /* ӎ CYRILLIC SMALL LETTER EM WITH TAIL (cyrillic/greek) */
    {0x04CF, "l"},  /* ӏ CYRILLIC SMALL LETTER PALOCHKA (dnstwist) */
    {0x04E1, "3"},  /* ӡ CYRILLIC SMALL LETTER ABKHASIAN DZE (cyrillic/greek) */
    {0x04FB, "f"},  /* ӻ CYRILLIC SMALL LETTER GHE WITH STROKE AND HOOK (cyrillic/greek) */
    {0x04FD, "x"},  /* ӽ CYRILLIC SMALL LETTER HA WITH HOOK (cyrillic/greek) */
    {0x04FF, "x"},  /* ӿ CYRILLIC SMALL LETTER HA WITH STROKE (cyrillic/greek) */
    {0x0501, "d"},  /* ԁ CYRILLIC SMALL LETTER KOMI DE (dnstwist) */
    {0x0503, "d"},  /* ԃ CYRILLIC SMALL LETTER KOMI DJE (cyrillic/greek) */
    {0x050B, "h"},  /* ԋ CYRILLIC SMALL LETTER KOMI NJE (cyrillic/greek) */
    {0x050D, "g"},  /* ԍ CYRILLIC SMALL LETTER KOMI SJE (dnstwist) */
    {0x050F, "t"},  /* ԏ CYRILLIC SMALL LETTER KOMI TJE (cyrillic/greek) */
    {0x051B, "q"},  /* ԛ CYRILLIC SMALL LETTER QA (dnstwist) */
    {0x051D, "w"},  /* ԝ CYRILLIC SMALL LETTER WE (dnstwist) */
    {0x051F, "k"},  /* ԟ CYRILLIC SMALL LETTER ALEUT KA (cyrillic/greek) */
    {0x0525, "n"},  /* ԥ CYRILLIC SMALL LETTER PE WITH DESCENDER (cyrillic/greek) */
    {0x0527, "h"},  /* ԧ CYRILLIC SMALL LETTER SHHA WITH DESCENDER (cyrillic/greek) */
    {0x0529, "h"},  /* ԩ CYRILLIC SMALL LETTER EN WITH LEFT HOOK (cyrillic/greek) */
    {0x0566, "q"},  /* զ ARMENIAN SMALL LETTER ZA (armenian) */
    {0x0570, "h"},  /* հ ARMENIAN SMALL LETTER HO (armenian) */
    {0x0578, "n"},  /* ո ARMENIAN SMALL LETTER VO (armenian) */
    {0x057D, "u"},  /* ս ARMENIAN SMALL LETTER SEH (armenian) */
    {0x0581, "g"},  /* ց ARMENIAN SMALL LETTER CO (armenian) */
    {0x0584, "p"},  /* ք ARMENIAN SMALL LETTER KEH (armenian) */
    {0x0585, "o"},  /* օ ARMENIAN SMALL LETTER OH (armenian) */
    {0x1D04, "c"},  /* ᴄ LATIN LETTER SMALL CAPITAL C (dnstwist) */
    {0x1D0B, "k"},  /* ᴋ LATIN LETTER SMALL CAPITAL K (dnstwist) */
    {0x1D0D, "m"},  /* ᴍ LATIN LETTER SMALL CAPITAL M (dnstwist) */
    {0x1D0F, "o"},  /* ᴏ LATIN LETTER SMALL CAPITAL O (dnstwist) */
    {0x1D1C, "u"},  /* ᴜ LATIN LETTER SMALL CAPITAL U (dnstwist) */
    {0x1D20, "v"},  /* ᴠ LATIN LETTER SMALL CAPITAL V (dnstwist) */
    {0x1D21, "w"},  /* ᴡ LATIN LETTER SMALL CAPITAL W (dnstwist) */
    {0x1D22, "z"},  /* ᴢ LATIN LETTER SMALL CAPITAL Z (dnstwist) */
    {0x1D8C, "v"},  /* ᶌ LATIN SMALL LETTER V WITH PALATAL HOOK (dnstwist) */
    {0x1E03, "b"},  /* ḃ LATIN SMALL LETTER B WITH DOT ABOVE (dnstwist) */
    {0x1E05, "b"},  /* ḅ LATIN SMALL LETTER B WITH DOT BELOW (dnstwist) */
    {0x1E07, "b"},  /* ḇ LATIN SMALL LETTER B WITH LINE BELOW (dnstwist) */
    {0x1E0B, "d"},  /* ḋ LATIN SMALL LETTER D WITH DOT ABOVE (dnstwist) */
    {0x1E0D, "d"},  /* ḍ LATIN SMALL LETTER D WITH DOT BELOW (dnstwist) */
    {0x1E0F, "d"},  /* ḏ LATIN SMALL LETTER D WITH LINE BELOW (dnstwist) */
    {0x1E11, "d"},  /* ḑ LATIN SMALL LETTER D WITH CEDILLA (dnstwist) */
    {0x1E13, "d"},  /* ḓ LATIN SMALL LETTER D WITH CIRCUMFLEX BELOW (dnstwist) */
    {0x1E1B, "e"},  /* ḛ LATIN SMALL LETTER E WITH TILDE BELOW (dnstwist) */
    {0x1E1F, "f"},  /* ḟ LATIN SMALL LETTER F WITH DOT ABOVE (dnstwist) */
    {0x1E23, "h"},  /* ḣ LATIN SMALL LETTER H WITH DOT ABOVE (dnstwist) */
    {0x1E25, "h"},  /* ḥ LATIN SMALL LETTER H WITH DOT BELOW (dnstwist) */
    {0x1E27, "h"},  /* ḧ LATIN SMALL LETTER H WITH DIAERESIS (dnstwist) */
    {0x1E29, "h"},  /* ḩ LATIN SMALL LETTER H WITH CEDILLA (dnstwist) */
    {0x1E2B, "h"},  /* ḫ LATIN SMALL LETTER H WITH BREVE BELOW (dnstwist) */
    {0x1E33, "k"},  /* ḳ LATIN SMALL LETTER K WITH DOT BELOW (dnstwist) */
    {0x1E35, "k"},  /* ḵ LATIN SMALL LETTER K WITH LINE BELOW (dnstwist) */
    {0x1E3F, "m"},  /* ḿ LATIN SMALL LETTER M WITH ACUTE (dnstwist) */
    {0x1E41, "m"},  /* ṁ LATIN SMALL LETTER M WITH DOT ABOVE (dnstwist) */
    {0x1E43, "m"},  /* ṃ LATIN SMALL LETTER M WITH DOT BELOW (dnstwist) */
    {0x1E45, "n"},  /* ṅ LATIN SMALL LETTER N WITH DOT ABOVE (dnstwist) */
    {0x1E47, "n"},  /* ṇ LATIN SMALL LETTER N WITH DOT BELOW (dnstwist) */
    {0x1E49, "n"},  /* ṉ LATIN SMALL LETTER N WITH LINE BELOW (dnstwist) */
    {0x1E55, "p"},  /* ṕ LATIN SMALL LETTER P WITH ACUTE (dnstwist) */
    {0x1E57, "p"},  /* ṗ LATIN SMALL LETTER P WITH DOT ABOVE (dnstwist) */
    {0x1E59, "r"},  /* ṙ LATIN SMALL LETTER R WITH DOT ABOVE (dnstwist) */
    {0x1E5B, "r"},  /* ṛ LATIN SMALL LETTER R WITH DOT BELOW (dnstwist) */
    {0x1E5F, "r"},  /* ṟ LATIN SMALL LETTER R WITH LINE BELOW (dnstwist) */
    {0x1E61, "s"},  /* ṡ LATIN SMALL LETTER S WITH DOT ABOVE (dnstwist) */
    {0x1E63, "s"},  /* ṣ LATIN SMALL LETTER S WITH DOT BELOW (dnstwist) */
    {0x1E6B, "t"},  /* ṫ LATIN SMALL LETTER T WITH DOT ABOVE (dnstwist) */
    {0x1E6D, "t"},  /* ṭ LATIN SMALL LETTER T WITH DOT BELOW (dnstwist) */
    {0x1E7D, "v"},  /* ṽ LATIN SMALL LETTER V WITH TILDE (dnstwist) */
    {0x1E7F, "v"},  /* ṿ LATIN SMALL LETTER V WITH DOT BELOW (dnstwist) */
    {0x1E81, "w"},  /* ẁ LATIN SMALL LETTER W WITH GRAVE (dnstwist) */
    {0x1E83, "w"},  /* ẃ LATIN SMALL LETTER W WITH ACUTE (dnstwist) */
    {0x1E85, "w"},  /* ẅ LATIN SMALL LETTER W WITH DIAERESIS (dnstwist) */
    {0x1E87, "w"},  /* ẇ LATIN SMALL LETTER W WITH DOT ABOVE (dnstwist) */
    {0x1E89, "w"},  /* ẉ LATIN SMALL LETTER W WITH DOT BELOW (dnstwist) */
    {0x1E8B, "x"},  /* ẋ LATIN SMALL LETTER X WITH DOT ABOVE (dnstwist) */
    {0x1E8D, "x"},  /* ẍ LATIN SMALL LETTER X WITH DIAERESIS (dnstwist) */
    {0x1E8F, "y"},  /* ẏ LATIN SMALL LETTER Y WITH DOT ABOVE (dnstwist) */
    {0x1E93, "z"},  /* ẓ LATIN SMALL LETTER Z WITH DOT BELOW (dnstwist) */
    {0x1E95, "z"},  /* ẕ LATIN SMALL LETTER Z WITH LINE BELOW (dnstwist) */
    {0x1E96, "h"},  /* ẖ LATIN SMALL LETTER H WITH LINE BELOW (dnstwist) */
    {0x1E98, "w"},  /* ẘ LATIN SMALL LETTER W WITH RING ABOVE (dnstwist) */
    {0x1EA1, "a"},  /* ạ LATIN SMALL LETTER A WITH DOT BELOW (dnstwist) */
    {0x1EB9, "e"},  /* ẹ LATIN SMALL LETTER E WITH DOT BELOW (dnstwist) */
    {0x1EC9, "i"},  /* ỉ LATIN SMALL LETTER I WITH HOOK ABOVE (dnstwist) */
    {0x1ECB, "i"},  /* ị LATIN SMALL LETTER I WITH DOT BELOW (dnstwist) */
    {0x1ECD, "o"},  /* ọ LATIN SMALL LETTER O WITH DOT BELOW (dnstwist) */
    {0x1ECF, "o"},  /* ỏ LATIN SMALL LETTER O WITH HOOK ABOVE (dnstwist) */
    {0x1EE5, "u"},  /* ụ LATIN SMALL LETTER U WITH DOT BELOW (dnstwist) */
    {0x1EF5, "y"},  /* ỵ LATIN SMALL LETTER Y WITH DOT BELOW (dnstwist) */
    {0x1EFF, "y"},  /* ỿ LATIN SMALL LETTER Y WITH LOOP (dnstwist) */
    {0x2C68, "h"},  /* ⱨ LATIN SMALL LETTER H WITH DESCENDER (dnstwist) */
    {0x2C6A, "k"},  /* ⱪ LATIN SMALL LETTER K WITH DESCENDER (dnstwist) */
    {0x2C6C, "z"},  /* ⱬ LATIN SMALL LETTER Z WITH DESCENDER (dnstwist) */
    {0x2C71, "v"},  /* ⱱ LATIN SMALL LETTER V WITH RIGHT HOOK (dnstwist) */
    {0x2C73, "w"},  /* ⱳ LATIN SMALL LETTER W WITH HOOK (dnstwist) */
    {0x2C74, "v"},  /* ⱴ LATIN SMALL LETTER V WITH CURL (dnstwist) */
    {0x3002, "."},  /* 。 IDEOGRAPHIC FULL STOP (separator) */
    {0xA731, "s"},  /* ꜱ LATIN LETTER SMALL CAPITAL S (dnstwist) */
    {0xA791, "n"},  /* ꞑ LATIN SMALL LETTER N WITH DESCENDER (dnstwist) */
};

#endif
