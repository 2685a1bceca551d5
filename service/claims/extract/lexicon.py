"""Cue words by what they say about an amount, found in one pass over a sentence.

A regex alternation of hundreds of words costs Python's engine tens of microseconds per
sentence and pattern; looking words up in dictionaries costs one pass for all of them. Latin
words are matched as whole tokens (a trailing `*` matches any ending: "invest*"), phrases as
runs of tokens, and Chinese, Japanese and Korean cues as substrings.
"""

from __future__ import annotations

import functools
import re


# label -> cues. Written from the language of earnings reports and deal news in general.
def _cues(joined: str) -> tuple[str, ...]:
    return tuple(joined.split("|"))


CUES: dict[str, tuple[str, ...]] = {
    "spend": _cues(
        "資金が必要|필요한 자금|所需资金|所需資金|쓰인다|쓰일|사용된다|투입된다|充当|用于|用於|"
        "promis|promet|promettent|s'est engagé|engagé|put in|poured in|deploy|deploys|deployed|"
        "deploying|source|sourcing|procure*|procurement|采购|採購|調達|"
        "구매|구입|achat|achats|einkauf*|beschaff*|recherche et développement|"
        "forschung und entwicklung|has been investing|have been investing|has been spending|"
        "forschungs- und entwicklungs*|forschungsausgaben|entwicklungsausgaben|"
        "investitionsbudget|배정|할당|편성|getätigt|tätigen|kosten|kostet|kosteten|kosten soll|"
        "coût|coûts|"
        "coûtera|coûteront|will cost|would cost|"
        "to cost|kauf*|gekauft|übernimm*|übernahm*|übernommen|rachat|rachète|racheter|acquérir|"
        "consacr*|ausgegeben|gab|gaben|投入|투입|집행|연구개발|연구 개발|研究開発|"
        "研究費|開発費|充て|払い込|取得|出資|出资|invert*|"
        "inversi*|gasto|gastos|destinar*|pay|pays|paid|paying|invest*|"
        "spend*|spent|capex|cap-ex|capital expenditure*|capital spending|expenditure*|outlay*|"
        "budget*|earmark*|allocat*|pour|pours|poured|pouring|inject*|plow*|plough*|commit*|"
        "pledg*|splurge|spree|"
        "acqui*|purchas*|buy*|bought|takeover|r&d|research and development|data center*|"
        "data centre*|build*|fund|funds|funded|funding|backing|backed|investissement*|"
        "investir|dépens*|investition*|investier*|ausgeben|ausgaben|投资|投資|投入|再投|斥资|"
        "斥資|支出|开支|開支|研发|研發|建设|建設|收购|收購|并购|併購|购买|注资|注資|投じ|設備|"
        "買収|투자|지출|설비|인수|stake|stakes"
    ),
    "not_spend": _cues(
        "financing|financement|finanzierung|augmentation de capital|kapitalerhöhung|유상증자|"
        "增资|levé|lève|levée|lever|eingesammelt|sammelte|finanzierungsrunde|levée de fonds|"
        "marché|markt|weltmarkt|marktvolumen|cash|cash flow|free cash flow|"
        "short-term investments|marketable securities|borrow*|"
        "revenue|revenues|sales|turnover|profit|profits|income|earnings|ebitda|margin|margins|"
        "valuation|valuations|valued|market cap*|market value|market size|market share|"
        "share price|stock price|shares rose|shares fell|shares closed|post-money|pre-money|"
        "received|receives|receiving|raise|raised|raises|raising|new funding|funding round|"
        "grant|grants|award*|subsid*|tax credit*|loan|loans|price|prices|per share|"
        "write-down*|writedown*|impairment*|write-off*|fine|fines|penalt*|dividend*|buyback*|"
        "repurchas*|salar*|compensation|pay package|bonus*|performance obligations|backlog|"
        "bookings|rpo|net loss|losses|debt|bond|bonds|syndicat*|market is|market was|"
        "market will|market could|chiffre d affaires|bénéfice*|valorisation|umsatz|gewinn|"
        "bewertung|börsenwert|收入|营收|營收|营业额|销售额|銷售額|利润|利潤|净利|淨利|估值|"
        "市值|股价|股價|市场规模|市場規模|融资|融資|获得|獲得|补贴|補貼|罚款|罰款|减值|減值|"
        "订单|訂單|分红|回购|매출|영업이익|순이익|시가총액|기업가치|주가|시장 규모|시장규모|"
        "売上|営業利益|純利益|時価総額|評価額|株価|市場規模"
    ),
    "capex": _cues(
        "capex|cap-ex|capital expenditure*|capital spending|capital investment*|"
        "capital outlay*|capital budget*|dépenses d investissement|investitionsausgaben|"
        "sachinvestitionen|资本支出|资本开支|資本支出|資本開支|资本性支出|설비투자|설비 투자|"
        "시설투자|시설 투자|設備投資"
    ),
    "r_and_d": _cues(
        "forschungs- und entwicklungs*|forschungsausgaben|entwicklungsausgaben|f&e-ausgaben|"
        "r&d|research and development|research & development|recherche et développement|"
        "forschung und entwicklung|f&e|研发|研發|研究开发|研究開発|연구개발|연구 개발"
    ),
    "acquisition": _cues(
        "kauft|kaufen|gekauft|übernimmt|übernommen|übernahm|racheter|rachète|acquérir|買下|买下|"
        "purchased|purchases|purchasing|buys|buying|agreed to buy|acquire|acquires|acquired|"
        "acquiring|acquisition|acquisitions|buyout|buy-out|takeover|take over|merger|"
        "purchase of|to buy|to purchase|bought|rachat|übernahme|übernehmen|收购|收購|并购|"
        "併購|인수|買収"
    ),
    "ai": _cues(
        "芯片|晶片|超节点|超節點|集群|叢集|centros de datos|centro de datos|centri dati|"
        "centri di dati|inteligencia artificial|"
        "intelligenza artificiale|ai infrastructure|AI基础设施|AI基礎設施|AI인프라|AI 인프라|"
        "AIインフラ|artificial intelligence|data center*|data centre*|datacenter*|datacentre*|"
        "compute|computing capacity|computing power|gpu|gpus|accelerator*|supercomput*|server|"
        "servers|centres de données|centre de données|intelligence artificielle|rechenzentr*|"
        "人工智能|数据中心|數據中心|算力|智算|服务器|데이터센터|데이터 센터|인공지능|"
        "データセンター|人工知能"
    ),
    "physical": _cues(
        "fibre|fiber|glasfaser|réseau|réseaux|netz|netze|5g|光纤|光纖|fabrik|fabriken|werk|"
        "werke|standort|factory|factories|fab|fabs|fabrication|plant|plants|"
        "facility|facilities|"
        "manufacturing|infrastructure|network|networks|usine|usines|werk|werke|基础设施|"
        "基礎設施|工厂|工廠|晶圆厂|產線|产线|공장|工場"
    ),
    "stake": _cues(
        "stake|stakes|start-up|start-ups|startup|startups|venture|follow-on|portfolio|"
        "participation|入股|持股|战略投资|領投|领投|注资|注資|지분|出資"
    ),
    "estimate_strong": _cues(
        "증권가|내다봤|내다본|전망했|摩根士丹利|高盛|花旗|瑞银|瑞銀|大摩|券商|"
        "morgan stanley|goldman sachs|bernstein|"
        "jefferies|barclays|jpmorgan|bank of america|ubs|citi|analyst|analysts|estimate|"
        "estimates|estimated|forecast*|projected|projection*|"
        "predict*|consensus|expectation|expectations|according to a report|"
        "according to research|分析师|分析師|预测|預測|预估|預估|预期|預期|估计|估計|机构预计|"
        "애널리스트|전망|추정|アナリスト|予想|試算|analystes|prévision*|analysten|prognose*|"
        "schätzung*"
    ),
    "estimate_weak": _cues(
        "is expected|are expected|was expected|were expected|expected to|预计|預計|예상|"
        "見込み|見通し"
    ),
    "not_estimate": _cues(
        "than analysts|than analyst|than expected|than estimates|than estimated|than forecast|"
        "than forecasts|than the consensus|than consensus|than what analysts|told analysts|"
        "with analysts|to analysts|briefing analysts"
    ),
    "guidance": _cues("guidance|guide|guided|outlook|指引|가이던스"),
    "planned": _cues(
        "investira|investiront|va injecter|vont investir|wollen|soll|sollen|見込む|"
        "투자한다|투입한다|투자할|"
        "투입할|planea|prevé|invertirá|destinará|previsto|prevede|investirà|plan*|will|would|"
        "intend*|"
        "aim|aims|expect|expects|pledg*|commit*|budget*|earmark*|allocat*|set to|set aside|"
        "announc*|unveil*|propos*|to invest|to spend|to pour|to inject|to build|to acquire|"
        "to buy|to make|is spending|is investing|are spending|are investing|agreement|agreed|"
        "deal|further|additional|prévoit|va investir|compte|annonc*|plant|wird|计划|計劃|规划|"
        "規劃|拟|擬|将|將|打算|承诺|承諾|目标|目標|宣布|推进|推進|追加|再投|预计|預計|계획|"
        "예정|방침|計画|予定|方針"
    ),
    "actual": _cues(
        "bought|acquired|purchased|completed|だった|였다|이었다|has been investing|"
        "have been investing|has been spending|beliefen|"
        "belief|beläuft|lagen|erreichte|erreichten|てきた|过去|지난|déjà réalisé|"
        "a réalisé|ont réalisé|déjà|bereits|이미|a investi|"
        "a dépensé|a consacré|a injecté|ont investi|investierte|"
        "investierten|ausgegeben|hatte|gab|gaben|払い込んだ|既に|すでに|支出した|썼|투입됐|"
        "투입했|들였|invirtió|gastó|"
        "ha investito|spent|invested|has invested|already|previously|initial|"
        "totaled|totalled|amounted|came in|reported|was|were|rose to|fell to|increased to|"
        "paid|财报显示|財報顯示|已经|已|累计|累計|实际|實際|同比|环比|環比|花费了|投入了|"
        "집행했|투자했|実績|投じた|計上"
    ),
}

_TOKEN = re.compile(r"[a-z0-9\u00c0-\u024f][a-z0-9&\u00c0-\u024f-]*")


class _Index:
    def __init__(self) -> None:
        self.words: dict[str, set[str]] = {}
        self.stems: dict[str, set[str]] = {}
        self.stem_lengths: set[int] = set()
        self.phrases: dict[tuple[str, ...], set[str]] = {}
        self.stem_phrases: dict[tuple[str, ...], list[tuple[str, set[str]]]] = {}
        self.cjk: dict[str, set[str]] = {}
        self.cjk_first: dict[str, list[tuple[str, set[str]]]] = {}
        self.heads: set[str] = set()
        self.stem_heads: set[str] = set()
        self.max_phrase = 1
        for label, words in CUES.items():
            for word in words:
                if any(_is_cjk(ch) for ch in word):
                    self.cjk.setdefault(word, set()).add(label)
                    continue
                tokens = tuple(_TOKEN.findall(word.lower()))
                stem = word.endswith("*")
                if len(tokens) > 1:
                    self.heads.add(tokens[0])
                if len(tokens) == 1 and stem:
                    self.stems.setdefault(tokens[0], set()).add(label)
                    self.stem_lengths.add(len(tokens[0]))
                    self.stem_heads.add(tokens[0][:3])
                elif len(tokens) == 1:
                    self.words.setdefault(tokens[0], set()).add(label)
                elif stem:
                    self.stem_phrases.setdefault(tokens[:-1], []).append((tokens[-1], {label}))
                    self.max_phrase = max(self.max_phrase, len(tokens))
                else:
                    self.phrases.setdefault(tokens, set()).add(label)
                    self.max_phrase = max(self.max_phrase, len(tokens))


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\u3040" <= ch <= "\u30ff"


def _build() -> _Index:
    index = _Index()
    for word, labels in index.cjk.items():
        index.cjk_first.setdefault(word[0], []).append((word, labels))
    return index


_INDEX = _build()
_AI = re.compile(r"(?<![A-Za-z])(?:AI|KI|IA)(?![A-Za-z])")
_HAS_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\u3040-\u30ff]")


@functools.lru_cache(maxsize=16384)
def _token_labels(tok: str) -> tuple[str, ...]:
    """The labels one word carries, as a whole word or by its stem (memoised: a pure function)."""
    idx = _INDEX
    labels = list(idx.words.get(tok, ()))
    if tok[:3] in idx.stem_heads:
        for n in idx.stem_lengths:
            if n <= len(tok):
                labels.extend(idx.stems.get(tok[:n], ()))
    return tuple(labels)


def scan(text: str, start: int, end: int) -> dict[str, list[tuple[int, int]]]:
    """Every cue in text[start:end] by label, as absolute (start, end) spans."""
    found: dict[str, list[tuple[int, int]]] = {label: [] for label in CUES}
    chunk = text[start:end]
    lowered = chunk.lower()
    if len(lowered) != len(chunk):  # a letter whose lower case is longer: keep offsets right
        lowered = chunk
    idx = _INDEX
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(lowered)]
    for i, (tok, s, e) in enumerate(tokens):
        for label in _token_labels(tok):
            found[label].append((start + s, start + e))
        if tok not in idx.heads:
            continue
        for n in range(2, idx.max_phrase + 1):
            if i + n > len(tokens):
                break
            run = tuple(t for t, _, _ in tokens[i : i + n])
            end_at = start + tokens[i + n - 1][2]
            for label in idx.phrases.get(run, ()):
                found[label].append((start + s, end_at))
            for stem, labels in idx.stem_phrases.get(run[:-1], ()):
                if run[-1].startswith(stem):
                    for label in labels:
                        found[label].append((start + s, end_at))
    # "AI" and German "KI" count in capitals only: "ai" is a French word, "ki" a syllable.
    for m in _AI.finditer(chunk):
        found["ai"].append((start + m.start(), start + m.end()))
    if _HAS_CJK.search(chunk):
        first = idx.cjk_first
        for pos, ch in enumerate(chunk):
            for word, labels in first.get(ch, ()):
                if chunk.startswith(word, pos):
                    for label in labels:
                        found[label].append((start + pos, start + pos + len(word)))
    return found
