"""Arabic word lists the stages use (as spaCy keeps ``lang/ar/stop_words.py`` beside the language class).

Folded forms (:func:`pipeline.lang.arabic.fold`). Each list says which stage reads it and why;
changing one changes what the pipeline finds, so each has tests in ``tests/``.
"""

from __future__ import annotations

from pipeline.lang.arabic import fold

# -- tokenize: words whose first letter only looks like a proclitic, never split
NEVER_SPLIT = frozenset(
    fold(w)
    for w in "كما كذلك لكن لكنه لكنها لكنهم لذلك لذا لدى لقد لماذا لما بل بين بعد بعض بينما فقط فيما فيه فيها كل كلا كان كانت".split()
)

# -- ner rules: titles, kunyas, resolutions, institutions, patronymic chains
GEO_WORDS = frozenset(fold(w) for w in "جنوب شمال شرق غرب وسط جنوبي شمالي شرقي غربي".split())
AFFILIATION_WORDS = frozenset(fold(w) for w in "في باسم لدى عن من".split())
KUNYA_WORDS = frozenset(fold(w) for w in "أبو ابو أم ام".split())
RES_HEADS = frozenset(fold(w) for w in "قرار القرار قراري القراري قرارا القرارين قرارات القرارات".split())
RES_FILLERS = frozenset(
    fold(w) for w in "مجلس الأمن الدولي الأممي الاممي رقم الصادر عن للأمم الأمم المتحدة التابع ( ) الشهير".split()
)
NATIONAL_MARKERS = frozenset(fold(w) for w in "لسنة لعام سنة عام".split())
UN_MARKERS = frozenset(fold(w) for w in "الأمن الأممي الدولي الأمم".split())
# Organizations named by an institution noun: "وزارة الدفاع الروسية", "هيئة مكافحة الفساد",
# "الجيش الإسرائيلي", "الحكومة الروسية" (a state institution plus a nationality adjective).
NAMED_ORG_HEADS = frozenset(fold(w) for w in (
    "وزارة هيئة منظمة حركة حزب جماعة جمعية اتحاد ائتلاف جبهة مؤسسة وكالة جامعة محكمة مجلس مصرف بنك "
    "كتائب ألوية تنظيم").split())
STATE_HEADS = frozenset(fold(w) for w in (
    "الجيش القوات الحكومة النظام الخارجية الداخلية الدفاع البرلمان المنتخب الشرطة البحرية الاستخبارات "
    "المخابرات الرئاسة السلطات السلطة الحرس البنك التلفزيون الإذاعة الأمن").split())
# Definite words that end a name: time expressions ("مجلس الأمن الأسبوع المقبل").
NOT_IN_NAMES = frozenset(fold(w) for w in (
    "الأسبوع المقبل الماضي الحالي الجاري اليوم الأول الثاني الثالث الأخير الأخيرة السابق السابقة "
    "الشهر العام السنة الليلة الصباح المساء الجديد الجديدة").split())
MINISTER_WORDS = frozenset(fold(w) for w in "وزير وزيرة وزيري وزيرا وزراء".split())
TEAM_HEADS = frozenset(fold(w) for w in "منتخب".split())
DISCIPLINE = (fold("كرة"), fold("القدم"))
CHAIN_LINKS = frozenset(fold(w) for w in "بن ابن بنت".split())
FAMILY_LINKS = frozenset(fold(w) for w in "آل".split())
TWO_WORD_NAME_HEADS = frozenset(fold(w) for w in "عبد أبو ابو".split())

# -- ner coreference
# Second halves of compound names: never a person's name on their own.
COMPOUND_TAILS = frozenset(fold(w) for w in "الله الرحمن الرحيم الدين العزيز الإسلام".split())

# -- ner gazetteer lookup
# Entries with match=context (names that are also common words: صور, المدينة, بورصة) are found
# only right after a word that announces that kind of name: "مدينة صور", "بلدة الخيام",
# "صحيفة الأخبار", كتبت "الأخبار". Prepositions (في, من, على) are not enough: "في المدينة" is
# "in the city".
CONTEXT_CUES = {
    "LOC": frozenset(fold(w) for w in (
        "مدينة بلدة قرية محافظة منطقة مخيم قطاع ضاحية ريف معبر حي مطار ميناء عاصمة العاصمة ولاية إقليم "
        "اقليم قضاء ناحية جزيرة").split()),
    "ORG": frozenset(fold(w) for w in (
        "حركة جماعة حزب تنظيم صحيفة جريدة قناة وكالة موقع شركة مجموعة فصيل ميليشيا ميليشيات كتبت ذكرت نقلت "
        "أفادت افادت أوردت اوردت").split()),
}

# -- link: cue words before an ambiguous place name
COUNTRY_TYPES = frozenset({"country"})
CITY_TYPES = ("city", "capital", "town")
REGION_TYPES = ("governorate", "region")
CUE_TYPES = {
    **{fold(w): CITY_TYPES for w in "مدينة مدينتي العاصمة عاصمة بلدة بلدية شوارع ميناء".split()},
    **{fold(w): tuple(COUNTRY_TYPES) for w in "دولة سلطنة المملكة مملكة جمهورية إمارة".split()},
    **{fold(w): REGION_TYPES for w in "محافظة محافظتي ولاية ولايتي والي محافظ جهة إقليم اقليم ريف".split()},
}

# -- ner gazetteer lookup: classifier nouns left outside a name's span when the rest names the
# entity on its own ("مدينة حلب" -> حلب, "تنظيم داعش" -> داعش, "وكالة رويترز" -> رويترز);
# data/news_gold/GUIDELINES.md §1. The knowledge base may list the long form as an alias: the
# match keeps its entity, the mention drops the descriptor.
DESCRIPTORS_OUTSIDE = frozenset(fold(w) for w in (
    "مدينة بلدة قرية محافظة ولاية إقليم اقليم منطقة مقاطعة مديرية معتمدية جهة حي جزيرة عاصمة العاصمة دولة إمارة "
    "سلطنة مملكة حركة تنظيم جماعة ميليشيا ميليشيات فصيل منظمة صحيفة جريدة مجلة قناة شبكة موقع تطبيق منصة شركة "
    "مجموعة نادي فريق وكالة عملية بطولة دول مدن محافظات").split())
TRAILING_DESCRIPTORS = frozenset(fold(w) for w in "العاصمة".split())  # "تونس العاصمة" -> تونس (the city)

# -- ner: words that are never mentions although models (and ANERcorp) tag them MISC: currencies,
# religions, the name of God (data/news_gold/GUIDELINES.md §5).
NOT_MENTIONS = frozenset(fold(w) for w in (
    "دولار دولارا دولارات الدولار الدولارات يورو اليورو دينار الدينار دنانير ريال الريال ريالات درهم الدرهم "
    "دراهم جنيه الجنيه جنيهات ليرة الليرة شيكل الشيكل روبل الروبل ين الين يوان اليوان فرنك الفرنك إسترليني "
    "الإسترليني روبية الروبية "
    "الإسلام الاسلام المسيحية اليهودية البوذية الهندوسية "
    "الله لله").split())
