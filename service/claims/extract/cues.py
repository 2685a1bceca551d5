"""The words of finance news that say what an amount is: spending or not, of what kind, whose.

Each cue list is written from the language of earnings reports and deal news in general,
never from one article. They are read around an amount, nearest first.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# Money that is spent, invested or committed.
SPEND = re.compile(
    r"invest\w*|spend\w*|spent|capex|cap-ex|capital\s+(?:expenditure|spending|investment|outlay)s?"
    r"|expenditure|outlay|budget\w*|earmark\w*|allocat\w*|pour\w*|inject\w*|plow\w*|plough\w*"
    r"|commit\w*|pledg\w*|splurge|spree|acqui\w*|purchas\w*|\bbuy\w*|bought|takeover|R&D"
    r"|research\s+and\s+development|data\s+cent\w+|build\w*|fund(?:s|ed|ing)?\b|back(?:ing|ed)\b"
    r"|investissement\w*|investir|dépens\w*|Investition\w*|investier\w*|ausgeben|Ausgaben"
    r"|投资|投資|投入|再投|斥资|斥資|支出|开支|開支|研发|研發|建设|建設|收购|收購|并购|併購|购买|注资|注資"
    r"|投じ|設備|買収|투자|지출|설비|인수|集资",
    _I,
)

# Money that is not spending by the named organisation.
NOT_SPEND = re.compile(
    r"revenues?|sales|turnover|profits?|income|earnings|EBITDA|margins?|valuations?|valued"
    r"|market\s+(?:cap\w*|value|size|share)|share\s+price|stock\s+price|shares?\s+(?:rose|fell|closed)"
    r"|post-money|pre-money|received|receives|receiving|\braise[sd]?\b|\braising\b|new\s+funding"
    r"|funding\s+round|grants?\b|award\w*|subsid\w*|tax\s+credits?|loans?\b|\bprices?\b|per\s+share"
    r"|write-?downs?|impairments?|write-?offs?|fines?\b|penalt\w+|dividends?|buybacks?|repurchas\w+"
    r"|salar\w+|compensation|pay\s+package|bonus\w*|performance\s+obligations|backlog|bookings"
    r"|\bRPO\b|net\s+loss|losses|debt|bonds?\b|syndicat\w+|market\s+(?:is|was|will|could)"
    r"|chiffre\s+d'affaires|bénéfice|valorisation|Umsatz|Gewinn|Bewertung|Börsenwert"
    r"|收入|营收|營收|营业额|销售额|銷售額|利润|利潤|净利|淨利|估值|市值|股价|股價|市场规模|市場規模"
    r"|融资|融資|获得|獲得|补贴|補貼|罚款|罰款|减值|減值|订单|訂單|分红|回购"
    r"|매출|영업이익|순이익|시가총액|기업가치|주가|시장\s?규모|売上|営業利益|純利益|時価総額|評価額|株価|市場規模",
    _I,
)

# "$5 billion higher than ...", "raised capex by $10 billion": a difference, not a total.
DELTA_AFTER = re.compile(
    r"\s*(?:more|less|higher|lower|above|below|over|under)\s+than\b|\s*(?:increase|rise|jump|drop|decrease)"
    # "前年度比で約300億円多い", "전년보다 5000억원 늘어난": a difference, not a total.
    r"|\s?(?:多い|少ない|増え|減っ|増の|減の|上回|下回|더\s|많은|적은|늘어난|줄어든|증가한|감소한)",
    _I,
)
DELTA_BEFORE = re.compile(
    r"\b(?:by|an?\s+(?:increase|rise|jump|drop|cut|decrease)\s+of|adding|add(?:ed|s)?\s+(?:another|an\s+extra))\s+(?:about\s+|some\s+|nearly\s+|roughly\s+)?$",
    _I,
)

CAPEX = re.compile(
    r"capex|cap-ex|capital\s+(?:expenditure|spending|investment|outlay)s?|capital\s+budget"
    r"|资本支出|资本开支|資本支出|資本開支|资本性支出|설비\s?투자|시설\s?투자|設備投資"
    r"|dépenses\s+d['’]investissement|Investitionsausgaben|Sachinvestitionen",
    _I,
)
RND = re.compile(
    r"\bR&D\b|research\s+(?:and|&)\s+development|研发|研發|研究开发|研究開発|연구\s?개발"
    r"|recherche\s+et\s+développement|Forschung\s+und\s+Entwicklung|\bF&E\b",
    _I,
)
ACQUISITION = re.compile(
    r"\bacqui(?:re|res|red|ring|sition)\b|\bbuy-?out\b|\btakeover\b|take\s+over|\bmerger\b"
    r"|purchase\s+of|to\s+(?:buy|purchase)\b|\bbought\b|收购|收購|并购|併購|인수|買収"
    r"|\brachat\b|Übernahme|übernehmen",
    _I,
)
AI = re.compile(
    r"\bAI\b|artificial\s+intelligence|data\s*cent(?:er|re)s?|datacent\w+|\bcompute\b"
    r"|computing\s+(?:capacity|power)|\bGPUs?\b|accelerators?|supercomput\w+|AI\s+chips?"
    r"|\bservers?\b|人工智能|数据中心|數據中心|算力|智算|服务器|데이터\s?센터|인공지능|データセンター"
    r"|人工知能|centres?\s+de\s+données|intelligence\s+artificielle|Rechenzentr\w+|\bKI\b",
    _I,
)
PHYSICAL = re.compile(
    r"factor(?:y|ies)|\bfabs?\b|fabrication|\bplants?\b|facilit(?:y|ies)|manufacturing"
    r"|infrastructure|network|基础设施|基礎設施|工厂|工廠|晶圆厂|產線|产线|공장|工場|usine|\bWerk",
    _I,
)
STAKE = re.compile(
    r"\bstakes?\b|start-?ups?\b|funding|venture|follow-on|portfolio|\bfund\b|invest\w*\s+in\s+(?:the\s+)?"
    r"(?:[A-Z]|\w+\s+(?:maker|start-?up|company|firm|developer|lab))"
    r"|入股|持股|战略投资|領投|领投|注资|注資|지분|出資|participation",
)

ESTIMATE_STRONG = re.compile(
    r"\banalysts?\b|analysts['’]|\bestimates?\b|\bestimated\b|forecast\w*|projected|projection"
    r"|predict\w*|consensus|expectations?\b|according\s+to\s+(?:a\s+)?(?:report|research|note)"
    r"|分析师|分析師|预测|預測|预估|預估|预期|預期|估计|估計|机构预计|애널리스트|전망|추정"
    r"|アナリスト|予想|試算|analystes|prévision\w*|Analysten|Prognose\w*|Schätzung\w*",
    _I,
)
ESTIMATE_WEAK = re.compile(
    r"\b(?:is|are|was|were)\s+expected\b|\bexpected\s+to\b|预计|預計|예상|見込み|見通し", _I
)
# "higher than analysts had expected": the estimate is what the figure is compared with.
NOT_ESTIMATE = re.compile(
    r"\bthan\s+(?:what\s+)?(?:analysts?|expected|estimates?|forecasts?|consensus)", _I
)
GUIDANCE = re.compile(r"guidance|\bguided?\b|outlook|指引|가이던스", _I)
PLANNED = re.compile(
    r"\bplan\w*|\bwill\b|\bwould\b|\bintend\w*|\baims?\b|\bexpects?\b|pledg\w*|commit\w*"
    r"|budget\w*|earmark\w*|allocat\w*|\bset\s+to\b|\bset\s+aside\b|announc\w*|unveil\w*"
    r"|propos\w*|\bto\s+(?:invest|spend|pour|inject|build|acquire|buy|make)\b|is\s+(?:spending|investing)"
    r"|are\s+(?:spending|investing)|\bagreement\b|\bagreed\b|\bdeal\b|\bfurther\b|additional"
    r"|计划|計劃|规划|規劃|拟|擬|将|將|打算|承诺|承諾|目标|目標|宣布|推进|推進|追加|再投|预计|預計"
    r"|계획|예정|방침|計画|予定|方針|prévoit|va\s+investir|compte|annonc\w*|plant|wird|will",
    _I,
)
ACTUAL = re.compile(
    r"\bspent\b|\binvested\b|\bhas\s+(?:already\s+)?(?:invested|spent|poured)|\balready\b"
    r"|\bpreviously\b|\binitial\b|\btotal(?:ed|led)\b|\bamounted\b|\bcame\s+in\b|\breported\b"
    r"|\bwas\b|\bwere\b|\brose\s+to\b|\bfell\s+to\b|\bincreased\s+to\b|\bpaid\b"
    r"|财报显示|財報顯示|已经|已|累计|累計|实际|實際|同比|环比|環比|花费了|投入了|为(?=\d)|為(?=\d)"
    r"|집행했|투자했|実績|投じた|計上",
    _I,
)
BASELINE_BEFORE = re.compile(
    r"(?:\b(?:up|down|leap|jump|increase|rise)\s+from|\bfrom|\bversus|\bvs\.?|\bcompared\s+(?:with|to)"
    r"|\bprevious|\bprior|\bcontre|\bgegenüber)\b(?:\s+\w+){0,3}\s*$"
    # "仍将高于2024年的767亿元": the figure compared with.
    r"|(?:高于|低于|高於|低於|多于|少于|超过上年的|較上年的|较上年的)[^，。；,]{0,8}$",
    _I,
)
COLLECTIVE = re.compile(
    r"^\s*(?:等|and\s+other|among\s+others|combined|together|collectively)"
    r"|^\s*等?(?:几大|幾大|各大)?(?:巨头|巨頭|科技公司|大厂|大廠)",
    _I,
)
RESPECTIVELY = re.compile(r"\brespectively\b|分别|分別|각각|それぞれ", _I)
TARGET_BEFORE = re.compile(
    r"(?:\b(?:in|into|of|for|from|with|via|through|to|acquire[sd]?|acquiring|buy(?:ing|s)?|bought"
    r"|purchas\w+|backing|backed|fund(?:ing|ed)?|invest(?:ed|ing|s)?\s+in|stake\s+in|takeover\s+of)"
    r"\s+(?:(?:the|its|a|an|US-based|[A-Za-z-]+-based)\s+)?(?:\w+\s+){0,4}?$"
    r"|收购|收購|入股|投资了?|向|对|對|入股)\s*$",
    _I,
)
TARGET_AFTER = re.compile(
    r"^['’]s\s+(?:valuation|shares?|stock|revenue|market)"
    r"|^['’]s\s+(?:\S+\s+){0,3}(?:funding|financing|fundraising|round|IPO)\b|^\s+(?:has\s+|had\s+)?(?:received|secured)"
    r"|^\s+(?:has\s+|had\s+|is\s+)?(?:raised|raises|raising)\s+(?:about\s+|over\s+|more\s+than\s+|"
    r"nearly\s+|some\s+|another\s+|an?\s+(?:additional|further)\s+)?(?:[$€£¥₩₹]|US\$|\d)"
    r"|^\s+(?:was|is\s+being|will\s+be)\s+(?:acquired|bought)|^\s*(?:获得|獲得|融资|融資)"
    # Japanese and Korean mark who money goes to: "OpenAIに出資", "삼성전자에 투자".
    r"|^(?:に|へ|에게|에(?!서))",
    _I,
)
SOURCE_BEFORE = re.compile(
    r"(?:according\s+to(?:\s+(?:a|an|the))?(?:\s+\w+){0,2}?(?:\s+(?:by|from))?|forecast\s+by|estimates?\s+by|said)\s*$",
    _I,
)
SOURCE_AFTER = re.compile(r"^\s*(?:analysts?|research|estimates?|forecasts?|predicts?)\b", _I)
AGENT_BEFORE = re.compile(r"\bby\s*$", _I)
# "$40 billion in US-based start-up OpenAI": the company after the amount is what is bought into.
INVEST_TARGET_GAP = re.compile(
    r"^[^.;]{0,30}?\b(?:in|into|stake\s+in|of)\s+"
    r"(?:(?!(?:via|through|with|for|to|by|and)\b)[\w-]+\s+|\([^)]{0,20}\)\s+){0,6}$",
    _I,
)
# "$13 billion in the ChatGPT maker": money put into a company the text only describes.
INVEST_IN_AFTER = re.compile(
    r"\s+(?:in|into)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:maker|start-?up|startup|developer|company|firm|lab|unicorn|venture|business|unit|rival)\b",
    _I,
)


def nearest(
    pattern: re.Pattern[str], text: str, lo: int, hi: int, pos_start: int, pos_end: int
) -> int | None:
    """Distance in characters from the amount to the closest cue in text[lo:hi], or None."""
    best: int | None = None
    for m in pattern.finditer(text, lo, hi):
        if m.end() <= pos_start:
            d = pos_start - m.end()
        elif m.start() >= pos_end:
            d = m.start() - pos_end
        else:
            d = 0
        if best is None or d < best:
            best = d
    return best


# "will pay $32 billion for Wiz": paying for a named company is buying it.
PAY_BEFORE = re.compile(
    r"\bpa(?:y|ys|id|ying)\s+(?:about\s+|some\s+|roughly\s+|nearly\s+|more\s+than\s+|up\s+to\s+)?$",
    _I,
)
FOR_NAME_AFTER = re.compile(
    r"(?:\s+[a-z]+){0,3}?\s+for\s+(?:[A-Z][\w&.-]*)(?:\s+[A-Z][\w&.-]*){0,2}\b"
    r"(?!\s+(?:chips?|GPUs?|servers?|data|cloud)\b)"
)
# "Morgan Stanley expects Microsoft to spend": someone else's expectation of the spender.
EXPECTED_OF = re.compile(
    r"\b(?:expects?|expected|forecasts?|predicts?|projects?|sees|estimates?|anticipates?)\s+$", _I
)

# "versus last year", "較去年", "than in 2024": the period a figure is compared with.
COMPARED_BEFORE = re.compile(
    r"(?:\bthan(?:\s+in)?|\bversus|\bvs\.?|\bcompared\s+(?:with|to)|\bfrom|\bover)\s*$"
    r"|(?:較|较|比|相较于?|相較於?|同比|对比|對比)\s*$",
    _I,
)
# "its capital spending forecast", "the company's outlook": a forecast of one's own.
OWN_BEFORE = re.compile(
    r"\b(?:its|their|the\s+company['’]s|own)\s+(?:[\w-]+\s+){0,3}$"
    r"|\b(?:prior|previous|earlier|initial|original)\s+$"
    r"|\b(?:it|they|the\s+(?:[\w-]+\s+){0,2}(?:company|firm|group|giant|maker))"
    r"\s+(?:(?:had|has|previously|initially|originally)\s+){0,2}$"
    # "廣達則宣布，今年資本支出預估約…": a company's announcement of its own estimate.
    r"|(?:宣布|宣佈|公布|發布|发布)[^。；，,]{0,4}[，,]?[^。；]{0,12}$"
    r"|(?:此前|之前|先前|早前|原先|原本|以前)\s*$",
    _I,
)
EARLIER_FORECAST_AFTER = re.compile(
    r"\s+(?:that\s+)?(?:it|they|the\s+company)\s+(?:had\s+)?(?:previously\s+|initially\s+)?"
    r"(?:forecast|projected|expected|guided|planned|estimated|targeted)\b",
    _I,
)
