"""Original, made-up news copy for the demo newsroom, in Arabic (MSA) and English.

Nothing here is taken from a real publication: every headline, standfirst and paragraph is put
together from the word lists and sentence templates below, with a seeded ``random.Random`` so a
given seed always writes the same newsroom (tests and benchmarks can rely on it).

Templates use three small conventions:

* ``{slot}`` is replaced by a phrase from the language's slot table (``{team2}`` draws from the
  same table as ``{team}`` but never repeats the value already used in the sentence);
* ``[masculine|feminine]`` picks the verb form that agrees with the first person or body named in
  the sentence, because an Arabic verb follows its subject's gender (الوزير يعلن، الوزارة تعلن);
* numbers come from small generators sized so the counted noun after them stays grammatical
  (3–10 take a plural, 11–99 a singular accusative, hundreds a singular genitive).

The Arabic lists deliberately carry hamza and alef variants (أحمد، إبراهيم، آمنة، الانتخابات)
and ta marbuta (مدرسة، الحكومة) so search normalisation has real material to work on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

LANGUAGES = ("ar", "en")


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone a sentence can be about; verbs after it agree with ``feminine``."""

    name: str
    feminine: bool = False


SlotSource = tuple[str | Actor, ...] | Callable[[random.Random], str]


def _between(low: int, high: int, step: int = 1) -> Callable[[random.Random], str]:
    return lambda rng: str(rng.randrange(low, high + 1, step))


def _decimal(low: float, high: float) -> Callable[[random.Random], str]:
    return lambda rng: f"{rng.uniform(low, high):.1f}"


# Counted nouns in Arabic change form with the number, so each generator keeps to one band.
_NUMBERS: dict[str, Callable[[random.Random], str]] = {
    "n_small": _between(3, 10),
    "months": _between(3, 9),
    "weeks": _between(3, 8),
    "hundreds": _between(200, 1500, 100),
    "thousands": _between(11, 90),
    "millions": _between(12, 95),
    "pct": _between(15, 60),
    "pct_high": _between(70, 95),
    "pct_small": _decimal(0.4, 6.5),
    "points": _between(14, 58),
    "mw": _between(100, 900, 50),
    "dozens": _between(12, 40),
}

_AR_SLOTS: dict[str, SlotSource] = {
    "place": (
        "في العاصمة",
        "في المحافظات الشمالية",
        "في المناطق الريفية",
        "في مدينة الواحة",
        "على الساحل الغربي",
        "في الأحياء الشرقية",
        "في مدينة النخيل",
        "في وادي السلام",
    ),
    "city": ("الواحة", "النخيل", "المنارة", "الريان", "البحيرة", "الزهراء"),
    "district": ("الزيتون", "الورود", "السوق القديم", "الميناء", "التلال"),
    "when": (
        "خلال الأسبوع المقبل",
        "مطلع الشهر المقبل",
        "قبل نهاية العام",
        "خلال الربع الأول من العام",
        "بحلول الصيف",
        "في غضون أيام",
    ),
    "month": ("الربيع المقبل", "مطلع العام المقبل", "نهاية الصيف", "الخريف المقبل"),
    "school": (
        "مدرسة النور الابتدائية",
        "مدرسة الأمل الثانوية للبنات",
        "مدرسة الفجر الإعدادية",
        "مدرسة ابن سينا النموذجية",
        "مدرسة الأندلس الثانوية",
    ),
    "official": (
        Actor("الرئيس"),
        Actor("رئيس الوزراء"),
        Actor("وزير الداخلية"),
        Actor("محافظ العاصمة"),
        Actor("الحكومة", feminine=True),
        Actor("اللجنة العليا للانتخابات", feminine=True),
    ),
    "edu": (
        Actor("وزير التربية أحمد السالم"),
        Actor("وزارة التربية والتعليم", feminine=True),
        Actor("مديرية التعليم في مدينة الواحة", feminine=True),
    ),
    "health": (
        Actor("وزيرة الصحة إيمان الحداد", feminine=True),
        Actor("وزارة الصحة", feminine=True),
        Actor("نقيب الأطباء سامي الرفاعي"),
    ),
    "council": (
        Actor("بلدية مدينة النخيل", feminine=True),
        Actor("رئيس البلدية أسامة النجار"),
        Actor("المجلس البلدي"),
    ),
    "diplomat": (
        Actor("وزير الخارجية"),
        Actor("الرئيس"),
        Actor("رئيس الوزراء"),
        Actor("وزيرة الخارجية آمال الشريف", feminine=True),
    ),
    "econ": (
        Actor("الحكومة", feminine=True),
        Actor("وزارة المالية", feminine=True),
        Actor("وزير الاقتصاد إبراهيم الكردي"),
    ),
    "finance": (
        Actor("البنك المركزي"),
        Actor("وزارة المالية", feminine=True),
        Actor("هيئة الأوراق المالية", feminine=True),
        Actor("وزير الاقتصاد إبراهيم الكردي"),
    ),
    "watchdog": (
        Actor("هيئة الأوراق المالية", feminine=True),
        Actor("البنك المركزي"),
    ),
    "energy": (
        Actor("وزارة الطاقة", feminine=True),
        Actor("وزير الطاقة"),
        Actor("شركة الكهرباء الوطنية", feminine=True),
    ),
    "team": (
        Actor("نادي الشروق"),
        Actor("نادي النجوم"),
        Actor("فريق الواحة"),
        Actor("نادي الفرسان"),
        Actor("نادي الساحل"),
        Actor("نادي الميناء"),
    ),
    "coach": (
        Actor("المدرب أحمد الخطيب"),
        Actor("المدرب إبراهيم سليمان"),
        Actor("المدربة ريم العلي", feminine=True),
    ),
    "culture": (
        Actor("وزارة الثقافة", feminine=True),
        Actor("دار الأوبرا الوطنية", feminine=True),
        Actor("مدير المهرجان سامر الحلو"),
        Actor("اتحاد الكتاب"),
    ),
    "tech": (
        Actor("هيئة الاتصالات", feminine=True),
        Actor("وزارة الاقتصاد الرقمي", feminine=True),
        Actor("مركز البحوث العلمية"),
        Actor("شركة ناشئة محلية", feminine=True),
    ),
    "regulator": (
        Actor("هيئة الاتصالات", feminine=True),
        Actor("وزارة الاقتصاد الرقمي", feminine=True),
    ),
    "lab": (
        Actor("مركز البحوث العلمية"),
        Actor("جامعة الأمل", feminine=True),
        Actor("شركة ناشئة محلية", feminine=True),
    ),
    "film": ("ظلال المدينة", "رسائل البحر", "بيت على التل", "آخر القطارات", "نوافذ الصيف"),
    "novel": ("ذاكرة الملح", "حديقة الجيران", "طريق القوافل", "مدينة بلا خرائط"),
    "band": ("نغم", "أصداء", "مدار"),
    "score": (
        "بثلاثة أهداف مقابل هدف",
        "بهدفين دون رد",
        "بهدف نظيف",
        "بأربعة أهداف لهدفين",
        "بهدفين لهدف",
    ),
    "meters": ("400", "800", "1500", "5000"),
    "ordinal": ("العاشرة", "الحادية عشرة", "الثانية عشرة", "الخامسة عشرة"),
}

_EN_SLOTS: dict[str, SlotSource] = {
    "place": (
        "in the capital",
        "in the northern provinces",
        "in rural areas",
        "on the west coast",
        "in Al Waha",
        "in Nakheel",
    ),
    "city": ("Al Waha", "Nakheel", "Port Salam", "Manara", "Rayyan"),
    "when": (
        "next week",
        "early next month",
        "before the end of the year",
        "in the first quarter",
        "by the summer",
        "within days",
    ),
    "diplomat": (
        Actor("Foreign Minister Amal Sharif", feminine=True),
        Actor("The prime minister"),
        Actor("The president"),
    ),
    "econ": (
        Actor("The finance ministry"),
        Actor("Economy Minister Ibrahim Kurdi"),
        Actor("The government"),
    ),
    "watchdog": ("The securities regulator", "The central bank"),
    "team": ("Shorouk FC", "Al Nujoom", "Waha United", "Harbour City", "Sahel SC"),
    "player": ("Rana Haddad", "Omar Khalil", "Lina Mansour", "Sami Nasser"),
    "coach": ("Coach Ahmad Khatib", "Manager Ibrahim Suleiman", "Coach Reem Ali"),
    "tech": (
        "A local start-up",
        "The National Research Centre",
        "Al Amal University",
        "The telecoms regulator",
    ),
    "lab": ("The National Research Centre", "Al Amal University", "A local start-up"),
    "score": ("3-1", "2-0", "1-0", "4-2", "2-1"),
    "round": ("second", "third", "fourth", "final"),
}

SLOTS: Mapping[str, Mapping[str, SlotSource]] = {
    "ar": {**_NUMBERS, **_AR_SLOTS},
    "en": {**_NUMBERS, **_EN_SLOTS},
}

_SLOT = re.compile(r"\{(\w+?)(\d?)\}")
_AGREEMENT = re.compile(r"\[([^|\]]*)\|([^\]]*)\]")


def fill(template: str, language: str, rng: random.Random) -> str:
    """Fill a template's slots and resolve its verb agreement for ``language``."""
    slots = SLOTS[language]
    used: set[str] = set()
    feminine: bool | None = None

    def pick(match: re.Match[str]) -> str:
        nonlocal feminine
        source = slots[match.group(1)]
        if callable(source):
            return source(rng)
        choice = rng.choice(source)
        # Two slots from one table in a sentence ("{team} beat {team2}") must differ.
        for _ in range(8):
            name = choice.name if isinstance(choice, Actor) else choice
            if name not in used:
                break
            choice = rng.choice(source)
        if isinstance(choice, Actor):
            if feminine is None:
                feminine = choice.feminine
            used.add(choice.name)
            return choice.name
        used.add(choice)
        return choice

    text = _SLOT.sub(pick, template)
    return _AGREEMENT.sub(lambda m: m.group(2) if feminine else m.group(1), text)


@dataclass(frozen=True, slots=True)
class Beat:
    """What one section of the paper writes about: headlines per desk (subsection), the
    sentences its reporters reach for, and the tags its stories carry."""

    key: str
    language: str
    desks: Mapping[str, tuple[str, ...]]
    standfirsts: tuple[str, ...]
    sentences: tuple[str, ...]
    tags: tuple[str, ...]
    points: tuple[str, ...] = ()
    points_intro: str | None = None
    #: Pull quotes and who said them, when the house ones would sound wrong on this beat.
    quotes: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()

    def headlines(self, desk: str | None) -> tuple[str, ...]:
        if desk is not None and desk in self.desks:
            return self.desks[desk]
        return tuple(t for templates in self.desks.values() for t in templates)


@dataclass(frozen=True, slots=True)
class House:
    """A language's house material shared by every beat: the generic lines, subheads,
    quotes, kickers and the list points any story may use."""

    standfirsts: tuple[str, ...]
    sentences: tuple[str, ...]
    closings: tuple[str, ...]
    subheads: tuple[str, ...]
    quotes: tuple[str, ...]
    cites: tuple[str, ...]
    points: tuple[str, ...]
    points_intro: str
    kickers: tuple[str, ...]
    breaking_kicker: str
    video_kicker: str
    gallery_kicker: str
    tags: tuple[str, ...] = field(default=())


_AR_BEATS = (
    Beat(
        key="local",
        language="ar",
        desks={
            "education": (
                "{edu} [يعلن|تعلن] خطة لترميم {school} {when}",
                "افتتاح مدرسة جديدة {place} تتسع لـ{hundreds} طالب وطالبة",
                "{edu} [يبحث|تبحث] مع أولياء الأمور تعديل مواعيد الدوام المدرسي {place}",
                "ارتفاع نسبة النجاح في امتحانات الثانوية العامة إلى {pct_high} في المئة",
                "نقص المعلمين يؤرق {school} مع بداية العام الدراسي",
                "منصة إلكترونية جديدة لتسجيل الطلبة في المدارس الحكومية {place}",
            ),
            "health": (
                "{health} [يفتتح|تفتتح] مركزاً للرعاية الصحية الأولية {place}",
                "مستشفى {city} العام يتسلم أجهزة حديثة لغسيل الكلى",
                "{health} [يطلق|تطلق] حملة تطعيم موسعة للأطفال {when}",
                "{health} [يحذر|تحذر] من موجة حر مرتقبة [ويدعو|وتدعو] إلى تجنب التعرض للشمس",
                "تمديد ساعات عمل العيادات المسائية {place} لتخفيف الضغط على الطوارئ",
            ),
            "municipal": (
                "{council} [يطلق|تطلق] حملة لتنظيف الشوارع والحدائق العامة {place}",
                "أهالي حي {district} يطالبون بتحسين خدمات المياه والصرف الصحي",
                "{council} [يقر|تقر] مخططاً جديداً لتنظيم حركة المرور {place}",
                "تأجيل الانتخابات البلدية {place} إلى {month}",
                "الرئيس يصادق على قانون جديد لتنظيم الانتخابات المحلية",
                "إنارة شوارع حي {district} في مدينة {city} بالطاقة الشمسية",
            ),
        },
        standfirsts=(
            "الخطة تشمل {n_small} مدارس في ثلاث محافظات وتستمر حتى نهاية العام.",
            "خطوة تأتي استجابة لمطالب متكررة من السكان بتحسين الخدمات الأساسية.",
            "مسؤولون يؤكدون أن التمويل متوفر وأن التنفيذ سيبدأ {when}.",
            "السكان يرحبون بالقرار ويطالبون بجدول زمني واضح للتنفيذ.",
            "تقرير رسمي يكشف ارتفاع عدد المستفيدين من الخدمات العامة إلى {thousands} ألف شخص.",
        ),
        sentences=(
            "[وقال|وقالت] {official} إن المشروع يهدف إلى تحسين الخدمات المقدمة للمواطنين {place}.",
            "وأوضح مسؤولون أن أعمال التنفيذ ستبدأ {when} على أن تُستكمل خلال {months} أشهر.",
            "وأشار تقرير رسمي إلى أن عدد المستفيدين تجاوز {thousands} ألف مواطن خلال العام الماضي.",
            "ويأمل السكان أن تسهم الخطوة في تخفيف الازدحام وتحسين جودة الحياة في الأحياء المكتظة.",
            "وتعاني المدارس الحكومية منذ سنوات نقصاً في القاعات الدراسية والمعلمين المتخصصين.",
            "ودعت جمعيات أهلية إلى إشراك المجتمع المحلي في مراحل التخطيط والتنفيذ والمتابعة.",
            "وتقدر كلفة المرحلة الأولى بنحو {millions} مليون دينار بتمويل من الموازنة العامة.",
            "وشهدت الأشهر الماضية شكاوى متكررة من بطء الإجراءات وتأخر إنجاز المعاملات.",
            "وأكد أولياء أمور أن القرار جاء متأخراً، لكنه خطوة في الاتجاه الصحيح.",
            "ومن المقرر أن تُعرض النتائج الأولية على مجلس المحافظة في جلسته المقبلة.",
        ),
        tags=("التعليم", "الصحة", "الخدمات البلدية", "الانتخابات"),
    ),
    Beat(
        key="international",
        language="ar",
        desks={
            "middle-east": (
                "{diplomat} [يبحث|تبحث] مع [نظيره|نظيرتها] تعزيز التعاون في مجال المياه",
                "قمة إقليمية في مدينة {city} تناقش الأمن الغذائي وأزمة المياه",
                "توقيع اتفاقية للربط الكهربائي بين ثلاث دول عربية",
                "الرئيس يستقبل وفداً برلمانياً ويبحث معه ملفات التعاون الإقليمي",
                "مراقبون: الانتخابات المقبلة اختبار حقيقي لمسار الإصلاح",
            ),
            "europe": (
                "الاتحاد الأوروبي يعلن حزمة مساعدات لمشاريع الطاقة النظيفة في المنطقة",
                "{diplomat} [يزور|تزور] ثلاث عواصم أوروبية لبحث ملف الهجرة",
                "انطلاق الانتخابات البرلمانية في دولة أوروبية وسط إقبال بلغ {pct} في المئة",
                "محادثات أوروبية عربية حول تسهيل تأشيرات الطلبة والباحثين",
            ),
            "asia": (
                "أمطار موسمية غزيرة تضرب مناطق واسعة في جنوب آسيا",
                "شركات آسيوية تتوسع في أسواق المنطقة العربية",
                "{diplomat} [يختتم|تختتم] جولة آسيوية شملت أربع دول",
                "منتدى آسيوي يناقش مستقبل التجارة البحرية وسلاسل الإمداد",
            ),
        },
        standfirsts=(
            "الجانبان يتفقان على تشكيل لجنة مشتركة لمتابعة الملفات العالقة.",
            "محللون يرون في التحرك فرصة لتخفيف التوتر وتعزيز التعاون الاقتصادي.",
            "البيان الختامي يدعو إلى الحوار ويؤكد أهمية الاستقرار الإقليمي.",
            "المحادثات تتناول المياه والطاقة والتجارة وتسهيل حركة الأفراد.",
        ),
        sentences=(
            "[وقال|وقالت] {diplomat} في مؤتمر صحفي مشترك إن المحادثات كانت صريحة وبناءة.",
            "وتأتي هذه الخطوة في ظل تحديات اقتصادية ومناخية متزايدة تواجهها المنطقة.",
            "واتفق الجانبان على تشكيل لجنة فنية مشتركة تجتمع كل {months} أشهر لمتابعة التنفيذ.",
            "ويرى محللون أن نجاح المبادرة يتوقف على توفر التمويل والإرادة السياسية.",
            "وشارك في الاجتماعات ممثلون عن منظمات إقليمية ودولية وخبراء في المياه والطاقة.",
            "وأكد البيان الختامي أهمية الحوار وحل الخلافات بالطرق السلمية.",
            "ومن المنتظر أن تُعقد الجولة المقبلة من المشاورات {when}.",
            "ولم تصدر حتى الآن تفاصيل رسمية حول الجدول الزمني لتطبيق ما تم الاتفاق عليه.",
        ),
        tags=("الدبلوماسية", "المياه", "الهجرة", "المناخ"),
    ),
    Beat(
        key="economy",
        language="ar",
        desks={
            "markets": (
                "البورصة تغلق على ارتفاع بنسبة {pct_small} في المئة بدعم من أسهم المصارف",
                "البنك المركزي يبقي على أسعار الفائدة دون تغيير للشهر الثالث على التوالي",
                "تراجع التضخم إلى {pct_small} في المئة خلال الربع الأخير",
                "أسعار الذهب ترتفع في السوق المحلية مع تزايد الطلب",
                "{watchdog} [يحذر|تحذر] من المضاربة في سوق العقارات",
            ),
            "energy": (
                "افتتاح محطة للطاقة الشمسية {place} بقدرة {mw} ميغاواط",
                "{energy} [يعلن|تعلن] خطة لخفض استهلاك الوقود في المؤسسات العامة",
                "ارتفاع الطلب على الكهرباء يدفع نحو تسريع مشاريع الطاقة المتجددة",
                "توقيع عقد لإنشاء محطة لتحلية مياه البحر على الساحل الغربي",
            ),
            "companies": (
                "شركة ناشئة من مدينة {city} تجمع {millions} مليون دولار في جولة تمويل جديدة",
                "مصنع جديد للأغذية {place} يوفر {hundreds} فرصة عمل",
                "{econ} [يطلق|تطلق] حزمة حوافز للشركات الصغيرة والمتوسطة",
                "نتائج فصلية قوية لشركات الاتصالات رغم ارتفاع التكاليف",
            ),
        },
        standfirsts=(
            "بيانات رسمية تظهر تحسناً في مؤشرات النمو وتراجعاً طفيفاً في البطالة.",
            "خبراء يتوقعون أن تنعكس الإجراءات على الأسعار خلال الأشهر المقبلة.",
            "المستثمرون يترقبون قرارات جديدة بشأن السياسة النقدية.",
            "المشروع يوفر مئات فرص العمل ويعزز أمن الطاقة.",
        ),
        sentences=(
            "وأظهرت بيانات رسمية أن معدل النمو بلغ {pct_small} في المئة على أساس سنوي.",
            "[وقال|وقالت] {finance} في بيان إن القرار يأتي لدعم الاستقرار المالي وتشجيع الاستثمار.",
            "ويتوقع خبراء أن تنعكس هذه الإجراءات إيجاباً على أسعار السلع الأساسية قريباً.",
            "وبلغ حجم التداول نحو {millions} مليون دينار، وسط نشاط ملحوظ لصغار المستثمرين.",
            "وتسعى الحكومة إلى رفع مساهمة الصناعة في الناتج المحلي وخلق فرص عمل للشباب.",
            "وحذر اقتصاديون من أن ارتفاع كلفة الاقتراض قد يبطئ التوسع في القطاع الخاص.",
            "وتخطط الشركة لافتتاح فروع جديدة في ثلاث مدن قبل نهاية العام.",
            "ويعد قطاع الطاقة المتجددة من أسرع القطاعات نمواً في المنطقة خلال العقد الأخير.",
        ),
        tags=("الاقتصاد", "التضخم", "الطاقة المتجددة", "الاستثمار"),
    ),
    Beat(
        key="sport",
        language="ar",
        desks={
            "football": (
                "{team} يفوز على {team2} {score} ويتصدر الدوري",
                "{team} يتعادل مع {team2} في مباراة مثيرة",
                "المنتخب الوطني يستعد لتصفيات كأس القارة بمعسكر مغلق {place}",
                "{coach}: هدفنا المنافسة على اللقب حتى الجولة الأخيرة",
                "إصابة قائد {team} تبعده عن الملاعب {weeks} أسابيع",
            ),
            "basketball": (
                "{team} يحسم قمة كرة السلة أمام {team2} في الوقت الإضافي",
                "منتخب السلة يتأهل إلى نصف نهائي البطولة العربية",
                "{team} يتعاقد مع لاعب ارتكاز جديد لتعزيز صفوفه",
                "{team} يواصل انتصاراته في دوري السلة بفوز صعب على {team2}",
            ),
            "athletics": (
                "العداءة آمنة الزين تحطم الرقم الوطني في سباق {meters} متر",
                "ماراثون مدينة {city} ينطلق بمشاركة {thousands} ألف عداء",
                "اتحاد ألعاب القوى يعلن تشكيلة المنتخب للبطولة الإقليمية",
                "ذهبية وفضيتان لمنتخبنا في ختام بطولة ألعاب القوى للشباب",
            ),
        },
        standfirsts=(
            "الفريق يواصل عروضه القوية ويقترب من حسم اللقب.",
            "الجهاز الفني يشيد بروح اللاعبين ويعد الجماهير بالمزيد.",
            "الجماهير تملأ المدرجات في أمسية حافلة بالإثارة.",
            "الاتحاد يؤكد أن الاستعدادات تسير وفق الخطة المرسومة.",
        ),
        sentences=(
            "وسيطر الفريق على مجريات اللعب منذ الدقائق الأولى، وأهدر مهاجموه عدة فرص محققة.",
            "وبهذه النتيجة رفع الفريق رصيده إلى {points} نقطة في صدارة الترتيب.",
            "[وقال|وقالت] {coach} عقب اللقاء إن اللاعبين قدموا أداء يليق بتاريخ النادي.",
            "وشهدت المباراة حضوراً جماهيرياً كبيراً رغم ارتفاع درجات الحرارة.",
            "ويلتقي الفريق في الجولة المقبلة منافساً عنيداً يطمح بدوره إلى المربع الذهبي.",
            "وأشاد الجهاز الفني بانضباط اللاعبين والتزامهم بالخطة التكتيكية.",
            "ويأمل الاتحاد أن تسهم البطولة في اكتشاف مواهب جديدة في الفئات العمرية الصغيرة.",
            "ويخضع اللاعب لبرنامج تأهيلي تحت إشراف الطاقم الطبي.",
        ),
        tags=("كرة القدم", "كرة السلة", "ألعاب القوى", "المنتخب الوطني"),
        points=(
            "أول فوز للفريق خارج أرضه هذا الموسم",
            "أكبر حضور جماهيري منذ بداية الموسم",
            "عودة القائد بعد غياب طويل بسبب الإصابة",
            "ثلاثة لاعبين شباب يشاركون للمرة الأولى",
            "الحارس يحافظ على نظافة شباكه للمباراة الرابعة",
        ),
        points_intro="أبرز ما في اللقاء:",
        quotes=(
            "لعبنا من أجل جماهيرنا، وهذا الفوز مهدى إليهم",
            "المباراة لم تكن سهلة، لكننا عرفنا كيف نحسمها",
            "ما زال أمامنا طريق طويل، والتركيز الآن على المباراة المقبلة",
        ),
        cites=("عمر خليل، قائد نادي الشروق", "أحمد الخطيب، مدرب الفريق"),
    ),
    Beat(
        key="culture",
        language="ar",
        desks={
            "cinema": (
                "فيلم «{film}» يفوز بالجائزة الكبرى في مهرجان {city} السينمائي",
                "انطلاق الدورة {ordinal} لمهرجان الأفلام القصيرة بمشاركة {dozens} فيلماً",
                "المخرجة سلمى الأيوبي تبدأ تصوير فيلمها الجديد {place}",
                "ترميم دار سينما تاريخية في وسط مدينة {city}",
            ),
            "books": (
                "معرض الكتاب يفتح أبوابه بمشاركة {hundreds} دار نشر",
                "رواية «{novel}» تتصدر قائمة الأكثر مبيعاً هذا الموسم",
                "{culture} [يطلق|تطلق] جائزة جديدة لأدب الطفل",
                "مكتبات متنقلة تجوب القرى لتشجيع الأطفال على القراءة",
            ),
            "music": (
                "أمسية في دار الأوبرا تحتفي بالموشحات الأندلسية",
                "فرقة «{band}» تطلق ألبومها الأول بعد عامين من العمل",
                "{culture} [يعلن|تعلن] برنامج مهرجان الموسيقى الصيفي",
                "ورشة لتعليم العزف على العود للأطفال في مدينة {city}",
            ),
        },
        standfirsts=(
            "الحدث يجمع فنانين وكتاباً من أجيال مختلفة ويستمر أسبوعاً.",
            "نقاد يشيدون بالعمل ويصفونه بأنه إضافة مهمة للمشهد الثقافي.",
            "البرنامج يتضمن عروضاً مجانية وورش عمل للأطفال والشباب.",
            "الإقبال الجماهيري يفوق التوقعات منذ اليوم الأول.",
        ),
        sentences=(
            "ويضم البرنامج عروضاً وندوات وورش عمل موجهة للشباب والأطفال.",
            "[وقال|وقالت] {culture} إن الإقبال فاق التوقعات منذ الأيام الأولى.",
            "ويتناول العمل قصة عائلة تواجه تحولات المدينة وتغير ملامح الحياة اليومية.",
            "وأشاد نقاد باللغة البصرية للعمل وأداء الممثلين الشباب.",
            "ويستمر الحدث حتى نهاية الأسبوع المقبل، مع تخفيضات خاصة لطلبة الجامعات.",
            "وتسعى المبادرة إلى دعم المواهب المحلية وتوفير منصات لعرض أعمالها.",
            "ويحضر الأمسية جمهور من مختلف الأعمار في أجواء احتفالية تمتد حتى ساعة متأخرة.",
        ),
        tags=("السينما", "الكتب", "الموسيقى", "المهرجانات"),
        quotes=(
            "الفن مرآة المجتمع، ونحن نحاول أن نرى أنفسنا فيه بصدق",
            "أردنا أن نفتح الأبواب أمام جيل جديد من المبدعين",
            "الجمهور هو الشريك الحقيقي في كل عمل ناجح",
        ),
        cites=("سلمى الأيوبي، مخرجة", "سامر الحلو، مدير المهرجان", "رنا الشامي، روائية"),
    ),
    Beat(
        key="technology",
        language="ar",
        desks={
            "ai": (
                "{lab} [يطلق|تطلق] نموذجاً لغوياً يفهم اللهجات العربية",
                "جامعة الأمل تفتتح مختبراً للذكاء الاصطناعي في التعليم والصحة",
                "دراسة: الذكاء الاصطناعي قد يغير {pct} في المئة من الوظائف المكتبية خلال عقد",
                "مدرسة في مدينة {city} تجرب مساعداً ذكياً لتصحيح الواجبات",
            ),
            "apps": (
                "تطبيق حكومي جديد لتجديد الوثائق الرسمية دون مراجعة المكاتب",
                "{regulator} [يحذر|تحذر] من رسائل احتيال تنتحل صفة المصارف",
                "تطبيق لمشاركة السيارات يتوسع إلى مدينة {city}",
                "{regulator} [يطلق|تطلق] خدمة الدفع الإلكتروني لفواتير الكهرباء والمياه",
            ),
            "science": (
                "باحثون محليون يطورون طريقة منخفضة الكلفة لتنقية المياه بالطاقة الشمسية",
                "إطلاق قمر صناعي صغير لرصد التغيرات المناخية",
                "{lab} [يعلن|تعلن] عن منح بحثية للعلماء الشباب",
                "رصد ظاهرة فلكية نادرة في سماء مدينة {city} الليلة",
            ),
        },
        standfirsts=(
            "المشروع يعتمد على بيانات محلية ويراعي خصوصية المستخدمين.",
            "خبراء يدعون إلى أطر تنظيمية تواكب التطور السريع في القطاع.",
            "المرحلة التجريبية تشمل {hundreds} مستخدم قبل الإطلاق الواسع.",
            "الباحثون يأملون في نقل التقنية إلى المناطق النائية.",
        ),
        sentences=(
            "ويعتمد المشروع على بيانات محلية جُمعت على مدى {months} أشهر بالتعاون مع جامعات.",
            "وأكد الفريق المطور أن الخصوصية وحماية البيانات كانتا في صلب التصميم منذ البداية.",
            "وتشير تقديرات إلى أن عدد مستخدمي الخدمات الرقمية الحكومية تضاعف خلال عامين.",
            "ودعا خبراء إلى وضع أطر تنظيمية واضحة تواكب التطور السريع في هذا المجال.",
            "[وقال|وقالت] {tech} إن المرحلة التجريبية ستشمل {hundreds} مستخدم قبل الإطلاق الواسع.",
            "ويأمل الباحثون أن تجد التقنية طريقها إلى القرى والمناطق النائية.",
            "وتواجه الشركات الناشئة في المنطقة تحديات تتعلق بالتمويل واستقطاب الكفاءات.",
        ),
        tags=("الذكاء الاصطناعي", "الأمن الرقمي", "التطبيقات", "الفضاء"),
    ),
)

_EN_BEATS = (
    Beat(
        key="world",
        language="en",
        desks={
            "middle-east": (
                "{diplomat} meets regional counterparts to discuss water security",
                "Three countries sign deal to link their electricity grids",
                "Regional summit in {city} puts food security on the agenda",
                "Observers say upcoming elections will test reform plans",
                "Talks on shared rivers enter {round} round in {city}",
            ),
            "europe": (
                "European ministers agree new {millions}m-euro fund for clean-energy projects",
                "Student visa talks between European and Arab states enter {round} round",
                "Turnout reaches {pct}% as voters head to the polls in parliamentary elections",
                "{diplomat} wraps up tour of three European capitals",
            ),
        },
        standfirsts=(
            "Both sides agree to form a joint committee to follow up on outstanding issues.",
            "Analysts see the move as a chance to ease tension and deepen economic ties.",
            "Talks cover water, energy, trade and easier travel between neighbours.",
            "The final statement calls for dialogue and regional stability.",
        ),
        sentences=(
            "{diplomat} described the talks as frank and constructive after a joint news "
            "conference.",
            "The move comes as the region faces mounting economic and climate pressures.",
            "Both sides agreed to set up a technical committee that will meet every {months} "
            "months.",
            "Analysts say the initiative's success will depend on funding and political will.",
            "Representatives of regional and international organisations also took part.",
            "The closing statement stressed dialogue and the peaceful settlement of disputes.",
            "The next round of talks is expected {when}.",
            "No official timetable for putting the agreement into practice has been published.",
        ),
        tags=("Diplomacy", "Elections", "Climate"),
    ),
    Beat(
        key="business",
        language="en",
        desks={
            "markets": (
                "Stocks close {pct_small}% higher, led by bank shares",
                "Central bank holds interest rates for a third month",
                "Gold climbs as local demand picks up",
                "{watchdog} warns investors about property speculation",
            ),
            "economy": (
                "Inflation slows to {pct_small}% in the final quarter",
                "{econ} unveils incentive package for small businesses",
                "New food factory {place} to create {hundreds} jobs",
                "Start-up from {city} raises {millions} million dollars in new funding round",
            ),
        },
        standfirsts=(
            "Official data point to stronger growth and a slight fall in unemployment.",
            "Experts expect the measures to ease prices over the coming months.",
            "Investors are waiting for fresh signals on monetary policy.",
            "The project is expected to create hundreds of jobs.",
        ),
        sentences=(
            "Official figures showed annual growth of {pct_small}%.",
            "Trading volume reached about {millions} million dinars, with retail investors "
            "notably active.",
            "Economists expect the measures to feed through to the price of staples soon.",
            "The government wants manufacturing to add more to output and to create jobs for "
            "young people.",
            "Some economists warned that higher borrowing costs could slow private-sector growth.",
            "The company plans to open branches in three more cities before the end of the year.",
            "{watchdog} said in a statement that the decision supports financial stability.",
            "Renewable energy has been one of the region's fastest-growing industries.",
        ),
        tags=("Inflation", "Markets", "Start-ups"),
    ),
    Beat(
        key="sport",
        language="en",
        desks={
            "football": (
                "{team} beat {team2} {score} to go top of the league",
                "{team} held to a draw by {team2} in a tense derby",
                "National team opens training camp {place} ahead of qualifiers",
                "{team} captain ruled out for {weeks} weeks with knee injury",
            ),
            "tennis": (
                "{player} wins the {city} Open in straight sets",
                "Teenage qualifier reaches first career semi-final in {city}",
                "{player} withdraws from tournament with wrist injury",
                "{player} and {player2} set up all-local final",
            ),
        },
        standfirsts=(
            "The team keeps up its strong run and edges closer to the title.",
            "The coaching staff hails the players' spirit and promises more to come.",
            "A packed stadium watches an evening full of drama.",
            "Officials say preparations are on schedule.",
        ),
        sentences=(
            "The hosts controlled the game from the opening minutes and missed several chances.",
            "The result takes them to {points} points at the top of the table.",
            "{coach} said after the match that the players had done the club proud.",
            "A large crowd turned out despite the evening heat.",
            "Next up is a tough away fixture against a side chasing a top-four finish.",
            "The coaching staff praised the squad's discipline and tactical focus.",
            "Doctors expect a rehabilitation programme before a return to training.",
            "Organisers hope the tournament will help uncover new talent in the youth ranks.",
        ),
        tags=("Football", "Tennis", "National team"),
        points=(
            "First away win of the season",
            "Biggest crowd since the start of the season",
            "Captain back after a long injury lay-off",
            "Three youngsters make their debuts",
        ),
        points_intro="Match highlights:",
        quotes=(
            "We played for our fans, and this win is for them.",
            "It was never going to be easy, but we found a way.",
            "There is a long road ahead; all our focus is on the next game.",
        ),
        cites=("Omar Khalil, club captain", "Ahmad Khatib, head coach"),
    ),
    Beat(
        key="technology",
        language="en",
        desks={
            "internet": (
                "{lab} launches Arabic language model that understands local dialects",
                "Regulator warns of text scams posing as banks",
                "New government app lets residents renew documents online",
                "Ride-sharing app expands to {city}",
            ),
            "science": (
                "Researchers develop low-cost solar method to purify water",
                "Small satellite launched to monitor climate change",
                "{lab} opens lab for artificial intelligence in health care",
                "Study finds AI could reshape {pct}% of office jobs within a decade",
            ),
        },
        standfirsts=(
            "The project relies on local data and respects users' privacy.",
            "Experts call for rules that keep pace with rapid change in the sector.",
            "A pilot phase will include {hundreds} users before a wider launch.",
            "Researchers hope to bring the technology to remote areas.",
        ),
        sentences=(
            "The project relies on local data gathered over {months} months with universities.",
            "The developers said privacy was built into the design from the start.",
            "Estimates suggest use of government digital services has doubled in two years.",
            "Experts called for clear rules that keep pace with rapid change in the field.",
            "{tech} said the pilot would include {hundreds} users before a wider launch.",
            "Researchers hope the technology will reach villages and remote areas.",
            "Start-ups in the region still struggle to raise money and hire skilled staff.",
        ),
        tags=("AI", "Cybersecurity", "Science"),
    ),
)

BEATS: Mapping[tuple[str, str], Beat] = {
    (beat.language, beat.key): beat for beat in (*_AR_BEATS, *_EN_BEATS)
}

HOUSE: Mapping[str, House] = {
    "ar": House(
        standfirsts=(
            "تفاصيل جديدة تكشفها مصادر مطلعة حول خلفيات القرار وتوقيته.",
            "ردود فعل متباينة بين مؤيد يرى فيها خطوة ضرورية ومنتقد يطالب بمزيد من الوضوح.",
            "الجهات المعنية تعد بنشر مزيد من المعلومات خلال الأيام المقبلة.",
        ),
        sentences=(
            "ولم يتسن الحصول على تعليق فوري من الجهات المعنية.",
            "وتعهدت الجهات المختصة بنشر مزيد من التفاصيل في الأيام المقبلة.",
            "ويرى مراقبون أن التوقيت يحمل دلالات مهمة في ظل الظروف الراهنة.",
            "وتفاعل مستخدمو وسائل التواصل الاجتماعي مع الخبر على نطاق واسع.",
            "وفي المقابل، أبدى آخرون تحفظات على آلية التنفيذ والجدول الزمني المقترح.",
            "وتعد هذه الخطوة الأولى من نوعها منذ سنوات.",
            "ويأتي ذلك بعد أسابيع من النقاشات المكثفة بين الأطراف المعنية.",
            "وأكدت مصادر مطلعة أن المشاورات ما زالت مستمرة للتوصل إلى صيغة نهائية.",
            "وأشار متحدث رسمي إلى أن الأولوية ستكون للفئات الأكثر حاجة.",
        ),
        closings=(
            "ومن المتوقع أن تتضح الصورة بشكل أكبر {when}.",
            "ويتابع «خبر» تطورات القصة وسيوافيكم بالمستجدات أولاً بأول.",
            "ويبقى الملف مفتوحاً على احتمالات عدة في انتظار القرارات النهائية.",
        ),
        subheads=(
            "خلفية القرار",
            "ردود الفعل",
            "ماذا بعد؟",
            "أرقام ودلالات",
            "تفاصيل الخطة",
            "آراء متباينة",
            "الخطوات المقبلة",
        ),
        quotes=(
            "نعمل على أن يلمس المواطن نتائج هذه الخطوة في أقرب وقت",
            "التحديات كبيرة، لكن الفرص أكبر إذا أحسنا التخطيط",
            "هذه ليست نهاية الطريق، بل بدايته",
            "نحتاج إلى شراكة حقيقية بين المؤسسات والمجتمع",
            "الأرقام تتحسن، لكننا لم نصل بعد إلى ما نطمح إليه",
        ),
        cites=(
            "أحمد السالم، وزير التربية والتعليم",
            "إيمان الحداد، وزيرة الصحة",
            "مريم العمر، أستاذة الاقتصاد في جامعة الأمل",
            "إبراهيم الكردي، وزير الاقتصاد",
            "ليلى منصور، باحثة في السياسات العامة",
        ),
        points=(
            "تخصيص ميزانية إضافية للمرحلة الأولى",
            "تشكيل لجنة متابعة تضم ممثلين عن المجتمع المدني",
            "إصدار تقارير دورية كل ثلاثة أشهر",
            "إطلاق منصة إلكترونية لتلقي الملاحظات والشكاوى",
            "تدريب الكوادر العاملة على الإجراءات الجديدة",
            "مراجعة النتائج بعد عام من التطبيق",
        ),
        points_intro="وتتضمن أبرز النقاط:",
        kickers=("تحليل", "خاص", "تقرير", "متابعة", "بالأرقام", "حوار", "رأي"),
        breaking_kicker="عاجل",
        video_kicker="شاهد بالفيديو",
        gallery_kicker="بالصور",
        tags=("أخبار الرئاسة", "الشباب", "المرأة", "البيئة"),
    ),
    "en": House(
        standfirsts=(
            "People familiar with the decision shed new light on its background and timing.",
            "Reactions are mixed, with supporters calling it overdue and critics asking for "
            "detail.",
            "Officials promise more information in the coming days.",
        ),
        sentences=(
            "Officials were not immediately available for comment.",
            "The authorities promised to publish more details in the coming days.",
            "Observers say the timing is significant given current conditions.",
            "The news drew a wide response on social media.",
            "Others voiced reservations about how and when the plan will be carried out.",
            "It is the first step of its kind in years.",
            "The announcement follows weeks of intensive discussion between the parties.",
            "People familiar with the talks said consultations were continuing.",
            "A spokesperson said priority would go to those most in need.",
        ),
        closings=(
            "A clearer picture is expected to emerge {when}.",
            "Khabar will keep following the story and bring updates as they come.",
            "The file remains open while final decisions are awaited.",
        ),
        subheads=(
            "Background",
            "Reaction",
            "What happens next",
            "By the numbers",
            "The details",
            "Mixed views",
        ),
        quotes=(
            "We want people to feel the results of this step as soon as possible.",
            "The challenges are big, but the opportunities are bigger if we plan well.",
            "This is not the end of the road; it is the beginning.",
            "We need a real partnership between institutions and the public.",
            "The numbers are improving, but we are not yet where we want to be.",
        ),
        cites=(
            "Amal Sharif, foreign minister",
            "Dr Maryam Omar, economist at Al Amal University",
            "Ibrahim Kurdi, economy minister",
            "Layla Mansour, public-policy researcher",
        ),
        points=(
            "Extra funding for the first phase",
            "A follow-up committee including civil-society representatives",
            "Progress reports every three months",
            "An online platform for feedback and complaints",
            "Training for staff on the new procedures",
            "A review of results after one year",
        ),
        points_intro="Key points:",
        kickers=("Analysis", "Exclusive", "Explainer", "Opinion", "Interview"),
        breaking_kicker="Breaking",
        video_kicker="Watch",
        gallery_kicker="In pictures",
    ),
}


def beats_for(language: str) -> list[Beat]:
    return [beat for (lang, _), beat in BEATS.items() if lang == language]


def all_tags(language: str) -> list[str]:
    """Every tag name the demo newsroom uses in ``language``, beats first, then house tags."""
    names = [name for beat in beats_for(language) for name in beat.tags]
    names += HOUSE[language].tags
    return list(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Figure:
    """A media item placed inside the body (``<figure data-media-id>``)."""

    media_id: int
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    language: str
    beat: str
    desk: str | None
    title: str
    kicker: str | None
    subtitle: str
    summary: str
    body_html: str


def headline(rng: random.Random, beat: Beat, desk: str | None = None) -> str:
    return fill(rng.choice(beat.headlines(desk)), beat.language, rng)


def kicker(rng: random.Random, language: str, chance: float = 0.3) -> str | None:
    """An editorial label above the headline, on roughly ``chance`` of stories."""
    return rng.choice(HOUSE[language].kickers) if rng.random() < chance else None


def _paragraph(sentences: Sequence[str]) -> str:
    return f"<p>{escape(' '.join(sentences), quote=False)}</p>"


def body_html(
    rng: random.Random,
    beat: Beat,
    *,
    lede: str,
    figures: Sequence[Figure] = (),
    paragraphs: int | None = None,
) -> str:
    """A body as a reporter files it: a lede, paragraphs of two or three sentences, one
    subhead, sometimes a pull quote and a bullet list, figures after the second paragraph,
    and a closing line. Sentences are drawn without repetition so a body never repeats
    itself."""
    house = HOUSE[beat.language]
    lang = beat.language
    count = paragraphs if paragraphs is not None else rng.randint(4, 6)
    # Mostly the beat's own lines; a few house lines so bodies on one beat do not all read
    # alike, but not so many that a match report sounds like a press release.
    pool = [*beat.sentences, *rng.sample(house.sentences, k=min(4, len(house.sentences)))]
    rng.shuffle(pool)
    sentences = iter(pool)

    def next_sentences(k: int) -> list[str]:
        return [fill(s, lang, rng) for s, _ in zip(sentences, range(k), strict=False)]

    parts = [_paragraph([lede, *next_sentences(1)])]
    subhead_at = rng.randint(1, max(1, count - 2))
    last = max(1, count - 1)
    quote_at = rng.randint(min(2, last), last) if rng.random() < 0.5 else -1
    list_at = rng.randint(min(2, last), last) if rng.random() < 0.35 else -1
    for index in range(1, count):
        if index == subhead_at:
            parts.append(f"<h2>{escape(rng.choice(house.subheads), quote=False)}</h2>")
        chunk = next_sentences(rng.randint(2, 3))
        if chunk:
            parts.append(_paragraph(chunk))
        if index == 1:
            for figure in figures:
                caption = (
                    f"<figcaption>{escape(figure.caption, quote=False)}</figcaption>"
                    if figure.caption
                    else ""
                )
                parts.append(f'<figure data-media-id="{figure.media_id}">{caption}</figure>')
        if index == quote_at:
            quote = escape(rng.choice(beat.quotes or house.quotes), quote=False)
            cite = escape(rng.choice(beat.cites or house.cites), quote=False)
            opened, closed = ("«", "»") if lang == "ar" else ("“", "”")
            parts.append(
                f"<blockquote><p>{opened}{quote}{closed}</p><cite>{cite}</cite></blockquote>"
            )
        if index == list_at:
            points = beat.points or house.points
            intro = beat.points_intro or house.points_intro
            items = "".join(
                f"<li>{escape(fill(p, lang, rng), quote=False)}</li>"
                for p in rng.sample(points, k=min(len(points), rng.randint(3, 4)))
            )
            parts.append(f"<p>{escape(intro, quote=False)}</p><ul>{items}</ul>")
    parts.append(_paragraph([fill(rng.choice(house.closings), lang, rng)]))
    return "\n".join(parts)


def write_story(
    rng: random.Random,
    beat: Beat,
    desk: str | None = None,
    *,
    title: str | None = None,
    kicker_text: str | None = None,
    kicker_chance: float = 0.3,
    figures: Sequence[Figure] = (),
    paragraphs: int | None = None,
) -> Story:
    """One complete story for ``beat`` (and ``desk`` when the category is a subsection).

    ``kicker_text`` forces a kicker (breaking news, video, gallery); otherwise one is drawn
    on about ``kicker_chance`` of stories."""
    house = HOUSE[beat.language]
    lang = beat.language
    standfirsts = [*beat.standfirsts, *house.standfirsts]
    subtitle_t, summary_t, lede_t = rng.sample(standfirsts, k=3)
    summary = fill(summary_t, lang, rng) + " " + fill(rng.choice(beat.sentences), lang, rng)
    return Story(
        language=lang,
        beat=beat.key,
        desk=desk,
        title=title if title is not None else headline(rng, beat, desk),
        kicker=kicker_text if kicker_text is not None else kicker(rng, lang, kicker_chance),
        subtitle=fill(subtitle_t, lang, rng),
        summary=summary,
        body_html=body_html(
            rng, beat, lede=fill(lede_t, lang, rng), figures=figures, paragraphs=paragraphs
        ),
    )


# --- bylines -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Byline:
    name: str
    bio: str
    language: str
    beats: tuple[str, ...]


BYLINES: tuple[Byline, ...] = (
    Byline(
        "أحمد عبد الله الراشد",
        "محرر الشؤون المحلية، يغطي قضايا التعليم والخدمات البلدية منذ أكثر من عشر سنوات.",
        "ar",
        ("local",),
    ),
    Byline(
        "إيمان يوسف",
        "مراسلة الشؤون الصحية، تهتم بالصحة العامة وسياسات الرعاية الأولية.",
        "ar",
        ("local", "technology"),
    ),
    Byline(
        "آمنة الخطيب",
        "محررة اقتصادية تتابع الأسواق والسياسات النقدية وقطاع الطاقة.",
        "ar",
        ("economy",),
    ),
    Byline(
        "إبراهيم ناصر",
        "مراسل رياضي يغطي الدوري المحلي والبطولات القارية.",
        "ar",
        ("sport",),
    ),
    Byline(
        "ريم القاسم",
        "ناقدة ثقافية تكتب عن السينما والكتب والموسيقى.",
        "ar",
        ("culture",),
    ),
    Byline(
        "يوسف الحمدان",
        "محرر الشؤون الدولية، متخصص في العلاقات الإقليمية وملفات المياه والطاقة.",
        "ar",
        ("international", "economy"),
    ),
    Byline(
        "مؤمن عادل",
        "صحفي تقني يكتب عن الذكاء الاصطناعي والتطبيقات والأمن الرقمي.",
        "ar",
        ("technology",),
    ),
    Byline(
        "فريق التحرير",
        "توقيع جماعي لغرفة أخبار «خبر» على الأخبار العاجلة والمتابعات السريعة.",
        "ar",
        ("local", "international", "economy", "sport", "culture", "technology"),
    ),
    Byline(
        "Sara Haddad",
        "World affairs correspondent covering regional diplomacy, water and climate.",
        "en",
        ("world",),
    ),
    Byline(
        "James Whitfield",
        "Business reporter following markets, start-ups and the energy transition.",
        "en",
        ("business",),
    ),
    Byline(
        "Omar Farouk",
        "Sports writer covering league football and the regional tennis circuit.",
        "en",
        ("sport",),
    ),
    Byline(
        "Nadia Karim",
        "Technology editor writing about AI, apps, science and digital rights.",
        "en",
        ("technology", "business"),
    ),
)


# --- media copy ----------------------------------------------------------------------------

CREDITS: Mapping[str, str] = {"ar": "خبر / رسوم توضيحية", "en": "Khabar / illustration"}

#: What an editor writes over the first picture of a gallery when the photo's own caption
#: is too generic for the story.
GALLERY_CAPTIONS: Mapping[str, str] = {"ar": "من أجواء الحدث", "en": "Scenes from the day"}

VIDEO_CAPTION = "مشاهد مصورة من افتتاح المهرجان، كما رصدتها كاميرا «خبر»"
VIDEO_CREDIT = "خبر / فيديو"
#: The demo's one video story sits on the culture beat, cinema desk, to match the clip.
VIDEO_STORY = ("culture", "cinema", "لقطات من افتتاح مهرجان الواحة السينمائي وسط حضور جماهيري كبير")


# --- ticker --------------------------------------------------------------------------------

TICKER_LINES: Mapping[str, tuple[str, ...]] = {
    "ar": (
        "الأرصاد الجوية تحذر من رياح قوية على الساحل الغربي مساء اليوم",
        "إغلاق جزئي لطريق المطار في مدينة النخيل لأعمال الصيانة حتى إشعار آخر",
    ),
    "en": ("Markets: the main index is up 0.8% at midday",),
}


# --- collections ---------------------------------------------------------------------------

COLLECTIONS: Mapping[str, tuple[str, str, str]] = {
    # slug: (title, description, language)
    "top-stories": ("أهم الأخبار", "مختارات هيئة التحرير من أبرز أخبار اليوم.", "ar"),
    "editors-picks": ("Editors' picks", "Stories our editors think you should not miss.", "en"),
}


# --- source agencies -----------------------------------------------------------------------

AGENCIES: Mapping[str, tuple[str, str]] = {
    # language: (name, URL prefix); the URLs are under example.org so they never resolve.
    "ar": ("وكالة الأنباء", "https://agency.example.org/ar/news/"),
    "en": ("Regional Newswire", "https://wire.example.org/en/story/"),
}
