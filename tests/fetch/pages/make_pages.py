"""Writes the fixture pages of this folder: one news page per East Asian legacy encoding.

The texts are written for these tests. Run `python tests/fetch/pages/make_pages.py` after
changing one; the pages are committed as bytes, so the tests never encode anything.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

PAGES = {
    "gb2312": (
        "GB2312",
        "阿里巴巴加大云计算投入",
        [
            "阿里巴巴集团周四表示，未来三年将在云计算和人工智能基础设施上投入超过三千八百亿元人民币。",
            "公司首席执行官在财报电话会议上说，这笔投资将用于建设新的数据中心，并扩大服务器采购规模。",
            "分析人士认为，这一计划反映出中国科技企业在人工智能领域的竞争日益激烈，"
            "其他大型互联网公司也可能在今年提高资本开支。",
        ],
    ),
    "big5": (
        "Big5",
        "台積電擴大資本支出",
        [
            "台灣積體電路製造公司宣布，今年的資本支出預計介於三百八十億至四百二十億美元之間。",
            "董事長在法說會上表示，先進製程的需求持續強勁，公司將在新竹、台中與高雄擴建晶圓廠。",
            "市場人士指出，人工智慧晶片的訂單是推動投資的主要原因，設備供應商的營收也將因此成長。",
        ],
    ),
    "shift_jis": (
        "Shift_JIS",
        "ソフトバンク、計算基盤に巨額投資",
        [
            "ソフトバンクグループは水曜日、人工知能の計算基盤に今後四年間で五千億円を投資すると発表した。",
            "同社の社長は記者会見で、国内に大規模なデータセンターを新設し、半導体の調達を拡大する方針を説明した。",
            "市場関係者は、この投資が国内のクラウド事業の競争を大きく変える可能性があると見ている。",
        ],
    ),
    "euc_kr": (
        "EUC-KR",
        "삼성전자, 반도체 시설 투자 확대",
        [
            "삼성전자는 올해 반도체 시설 투자에 약 오십조 원을 투입할 계획이라고 밝혔다.",
            "회사 관계자는 실적 발표에서 인공지능 서버용 메모리 수요가 크게 늘어 "
            "평택 공장의 생산 능력을 확대한다고 설명했다.",
            "증권가에서는 이번 투자가 경쟁사와의 기술 격차를 넓히는 데 도움이 될 것으로 보고 있다.",
        ],
    ),
}


def html(label: str, title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={label}">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<article>\n<h1>{title}</h1>\n{body}\n"
        "</article>\n</body>\n</html>\n"
    )


def main() -> None:
    expected = {}
    for name, (label, title, paragraphs) in PAGES.items():
        text = html(label, title, paragraphs)
        (HERE / f"{name}.html").write_bytes(text.encode(label))
        expected[name] = {"label": label, "title": title, "paragraphs": paragraphs}
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
