"""Arabic language data shared by every stage: character classes, folding, proclitics.

Kept apart from the stages (like spaCy's ``spacy/lang/ar``): it holds facts about the
language, not steps of the pipeline, so clean, tokenize, ner and link may all import it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Harakat, Quranic annotation marks and superscript alef: dropped by cleaning and folding.
DIACRITICS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
TATWEEL = "\u0640"
# Zero-width and bidi controls, BOM, soft hyphen: invisible, never part of a word.
INVISIBLES = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"

ARABIC_LETTER_RE = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]")

# One-to-one character repairs applied to the cleaned text (offsets stay aligned).
CLEAN_TRANSLATION = str.maketrans(
    {
        "\u06cc": "\u064a",  # Persian yeh ی -> ي (the sample has "فی العراق")
        "\u06d0": "\u064a",  # yeh with two dots below
        "\u06a9": "\u0643",  # Persian keheh ک -> ك
        "\u06aa": "\u0643",  # swash kaf
        "\u06c1": "\u0647",  # heh goal ہ -> ه
        "\u06d5": "\u0647",  # ae ە -> ه
        "\u06c0": "\u0647",  # heh with yeh above ۀ -> ه
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
        "\u00ab": '"', "\u00bb": '"',  # guillemets « »
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u205f": " ", "\u3000": " ",
        **{chr(c): " " for c in range(0x2000, 0x200B)},  # typographic spaces
        "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\u0085": "\n", "\x0b": "\n", "\x0c": "\n",
        "\t": " ",
        "_": " ",  # hashtags: #حزب_الله
    }
)

# Folding for matching only (never shown to users): alef/hamza forms, alef maqsura,
# teh marbuta, and the clean-text repairs above.
_FOLD_TRANSLATION = str.maketrans(
    {
        "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # أ إ آ ٱ -> ا
        "\u0649": "\u064a",  # ى -> ي
        "\u0629": "\u0647",  # ة -> ه
        **{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},  # ASCII lower-case only:
    }  # str.lower() can change a string's length, and folding must not.
)
_FOLD_DELETE_RE = re.compile(f"[{DIACRITICS}{TATWEEL}{INVISIBLES}]")

# Proclitics, longest first. Each entry: (surface prefix, restore) where `restore` is
# what the stem gets back when the prefix swallowed part of it (لل = ل + ال).
PROCLITICS: tuple[tuple[str, str], ...] = (
    ("وبال", "ال"), ("فبال", "ال"), ("وكال", "ال"), ("فكال", "ال"),
    ("ولل", "ال"), ("فلل", "ال"),
    ("وال", "ال"), ("فال", "ال"), ("بال", "ال"), ("كال", "ال"),
    ("لل", "ال"),
    ("وب", ""), ("ول", ""), ("وك", ""), ("فب", ""), ("فل", ""), ("فك", ""),
    ("و", ""), ("ف", ""), ("ب", ""), ("ل", ""), ("ك", ""),
)
MIN_STEM_CHARS = 2


def fold(text: str) -> str:
    """Matching key: no diacritics/tatweel/invisibles, unified alef, ى->ي, ة->ه, lower-case Latin."""
    text = _FOLD_DELETE_RE.sub("", text.translate(CLEAN_TRANSLATION))
    return text.translate(_FOLD_TRANSLATION)


_ARABIC_WORD_RE = re.compile("[\u0621-\u06d3]+")


def is_arabic_word(text: str) -> bool:
    """True when the token is made of Arabic letters (the only tokens that take clitics)."""
    return _ARABIC_WORD_RE.fullmatch(text) is not None


@lru_cache(maxsize=200_000)
def proclitic_analyses(word: str) -> tuple[tuple[int, str], ...]:
    """All ways to strip proclitics off ``word``: ``(prefix_chars, folded_stem)`` pairs.

    ``prefix_chars`` counts surface characters removed (the stem starts there); the folded
    stem has a swallowed article restored, so "للأمم" gives ``(1, "الامم")``: the stem's
    surface is "لأمم" but it matches "الأمم". Longest prefix first.
    """
    folded = fold(word)
    out: list[tuple[int, str]] = []
    for prefix, restore in PROCLITICS:
        if not folded.startswith(prefix):
            continue
        rest = folded[len(prefix):]
        if len(rest) < MIN_STEM_CHARS:
            continue
        if restore:
            # "وال"+X: surface stem keeps the article (starts after the conjunction);
            # "لل"+X: the article's alef was swallowed; the stem surface starts at the second lam.
            cut = len(prefix) - len(restore) if prefix.endswith(restore) else len(prefix) - 1
            out.append((cut, restore + rest))
        else:
            out.append((len(prefix), rest))
    return tuple(out)


# A noun with a possessive pronoun after teh marbuta ("ولايته" his term, "حكومتها" its government):
# never part of a name.
_PRONOUN_SUFFIXES = tuple(fold(s) for s in "ته تها تهم تهما تكم تنا".split())


def has_pronoun_suffix(norm: str) -> bool:
    """A folded word that ends in teh marbuta + a possessive pronoun (at least two letters before)."""
    return any(norm.endswith(s) and len(norm) - len(s) >= 2 for s in _PRONOUN_SUFFIXES)


# Function words that never start or continue a name (used by rules and coreference).
FUNCTION_WORDS = frozenset(
    fold(w)
    for w in """
    في من إلى الى عن مع أن ان إن لا لم لن ما هذا هذه ذلك تلك الذي التي الذين اللذين
    هو هي هم هما نحن أنا انه إنه أنه بين بعد قبل عند منذ حتى خلال ضد حول دون غير عبر لدى
    كان كانت يكون تكون قد قال قالت وقال وقالت أكد أكدت اكد أضاف أضافت اضاف أعلن أعلنت
    كما كل بعض أي أو ثم بل لكن لكن إذا اذا حيث فيما بينما أمس اليوم غدا أيضا ايضا جدا
    يوم الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت عام سنة شهر
    رئيس وزير نائب قائد زعيم الرئيس الوزير الأمين العام
    """.split()
)

# The preposition على folds to علي, a common given name: the two are told apart by the written form.
_ALA = "على"


def is_ali(text: str) -> bool:
    """The given name علي (spelled with ya), whose fold is also the preposition's: corpus statistics
    on the folded form (mostly the preposition) say nothing about it."""
    return _FOLD_DELETE_RE.sub("", text) == "علي"


def future_verb_stem(norm: str) -> str | None:
    """The imperfect verb of a future form ("سيزور" -> "يزور"), or ``None``."""
    return norm[1:] if len(norm) >= 4 and norm[0] == "س" and norm[1] in "يتنا" else None


def is_function_word(text: str, norm: str) -> bool:
    """A function word (never part of a name); the preposition على by its spelling, not its fold."""
    return norm in FUNCTION_WORDS or _FOLD_DELETE_RE.sub("", text) == _ALA


# Titles and roles that announce a person's name (rules tokenize and fold these).
PERSON_CUES: tuple[str, ...] = tuple(
    c.strip()
    for c in """
    الرئيس|رئيس|رئيسة|رئيس الوزراء|رئيسة الوزراء|رئيس الحكومة|رئيس الجمهورية|رئيس البرلمان|رئيس مجلس النواب|رئيس مجلس الوزراء
    نائب الرئيس|نائب رئيس الوزراء|ولي العهد|العاهل|خادم الحرمين الشريفين|الملك|الأمير|الملكة|السلطان|الشيخ|الشيخة|السيد|السيدة|الحاج
    وزير|وزيرة|الوزير|الوزيرة|وزير الخارجية|وزير الدفاع|وزير الداخلية|وزير المالية
    الأمين العام|وكيل الأمين العام|مساعد الأمين العام|نائب الأمين العام|المبعوث|المبعوث الخاص|المبعوث الأممي|المنسق الخاص|المنسقة الخاصة|المنسق|المنسقة
    المتحدث|المتحدثة|المتحدث باسم|المتحدثة باسم|الناطق|الناطق باسم|الناطقة باسم|السفير|السفيرة|القنصل
    الجنرال|اللواء|العميد|العقيد|المقدم|الرائد|النقيب|الفريق|الفريق أول|المشير|المفتي|مفتي|الإمام|البابا|البطريرك|الأدميرال|قائد|القائد|زعيم|الزعيم|القيادي|المرشد|المرشد الأعلى
    الدكتور|الدكتورة|د.|البروفيسور|المحامي|القاضي|النائب|النائبة|السيناتور|الصحفي|الصحافي|الكاتب|الكاتبة|المحلل|الخبير
    مستشار|مستشارة|المستشار|المستشارة|مدير|مديرة|المدير|المديرة|محافظ|المحافظ|حاكم|الحاكم|رئيس أركان|رئيس هيئة الأركان
    """.replace("|", "\n").split("\n")
    if c.strip()
)


# Nationality adjectives (masculine, without the article) -> ISO 3166-1 alpha-2 country.
# "المالي" is left out: it is also "financial".
_NATIONALITIES_RAW = """
لبناني LB|سوري SY|عراقي IQ|إيراني IR|ايراني IR|إسرائيلي IL|اسرائيلي IL|فلسطيني PS|أردني JO|اردني JO
مصري EG|سعودي SA|إماراتي AE|اماراتي AE|قطري QA|كويتي KW|بحريني BH|عماني OM|يمني YE|ليبي LY
تونسي TN|جزائري DZ|مغربي MA|سوداني SD|تركي TR|أمريكي US|أميركي US|امريكي US|روسي RU|فرنسي FR
بريطاني GB|ألماني DE|الماني DE|صيني CN|إيطالي IT|ايطالي IT|إسباني ES|اسباني ES|موريتاني MR
صومالي SO|إثيوبي ET|اثيوبي ET|باكستاني PK|أفغاني AF|افغاني AF|هندي IN|ياباني JP|كندي CA
أوكراني UA|اوكراني UA|يوناني GR|قبرصي CY|برازيلي BR|بلجيكي BE|هولندي NL|سويدي SE|نرويجي NO
دنماركي DK|سويسري CH|نمساوي AT|أسترالي AU|استرالي AU|فنزويلي VE|مكسيكي MX|أرجنتيني AR
نيجيري NG|كيني KE|تشادي TD|إندونيسي ID|اندونيسي ID|ماليزي MY|أذربيجاني AZ|أرميني AM|جيبوتي DJ
غاني GH|سنغالي SN|كاميروني CM|كونغولي CD|أوغندي UG|اوغندي UG|تنزاني TZ|رواندي RW|إريتري ER
اريتري ER|نيجري NE|أنغولي AO|موزمبيقي MZ|زيمبابوي ZW|بنغلاديشي BD|كوري KR|فلبيني PH|تايلاندي TH
فيتنامي VN|سريلانكي LK|نيبالي NP|أوزبكي UZ|كازاخي KZ|جورجي GE|برتغالي PT|فنلندي FI|بولندي PL
تشيكي CZ|مجري HU|روماني RO|بلغاري BG|صربي RS|كرواتي HR|ألباني AL|الباني AL|إيرلندي IE|ايرلندي IE
كولومبي CO|تشيلي CL|بيروفي PE|كوبي CU|نيوزيلندي NZ
"""
NATIONALITIES: dict[str, str] = {
    fold(word): code
    for pair in _NATIONALITIES_RAW.replace("\n", "|").split("|") if pair.strip()
    for word, code in [pair.split()]
}
_NISBA_ENDINGS = ("يين", "يون", "ين", "ون", "ه")


def nationality(norm: str) -> str | None:
    """ISO country of a folded nationality adjective in any form ("اللبنانية" -> "LB")."""
    word = norm[2:] if norm.startswith("ال") else norm
    if word in NATIONALITIES:
        return NATIONALITIES[word]
    for ending in _NISBA_ENDINGS:
        if word.endswith(ending) and word[: -len(ending)] in NATIONALITIES:
            return NATIONALITIES[word[: -len(ending)]]
    return None
