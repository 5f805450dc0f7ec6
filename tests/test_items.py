"""The section-五 splitter on the shapes real reports use (excerpts of published passages)."""

from __future__ import annotations

import pytest

from extractor.text.items import split_items


def _starts(items: list[str]) -> list[str]:
    return [item[:6] for item in items]


def test_problem_sentence_before_the_first_enumerator_then_unannounced_remedies() -> None:
    text = (
        "六、存在主要问题及改进措施\n2015年,我局的信息公开工作虽然取得了一定成绩,但同时也存在公开内容有待深化和规范的问题。\n"
        "(一)是深入贯彻执行《条例》,重视政府信息公开专栏的管理和建设。\n(二)是健全各项工作制度。进一步完善信息公开工作机制。\n"
    )
    problems, improvements = split_items(text)
    assert problems == ["2015年,我局的信息公开工作虽然取得了一定成绩,但同时也存在公开内容有待深化和规范的问题"]
    assert _starts(improvements) == ["(一)是深入", "(二)是健全"]


def test_problem_and_remedy_sentences_without_any_enumerator() -> None:
    text = (
        "五、存在的主要问题及改进情况 我局2020年政府信息公开各项工作进展顺利,但在信息公开范围、时效性等方面仍有待提高。"
        "下一步我局将继续加强对政府信息公开日常管理,强化信息更新时效性。"
    )
    problems, improvements = split_items(text)
    assert len(problems) == 1 and problems[0].endswith("仍有待提高")
    assert len(improvements) == 1 and improvements[0].startswith("下一步我局将")


@pytest.mark.parametrize(
    "lead",
    ["在接下来的工作中,我镇将从以下方面进一步推进政府信息公开工作。", "根据存在的问题进行改进：", "因此，我们考虑从以下三个方面作进一步的改进：",
     "对此,我们将从三个方面改进：", "为此,我局下一步将从以下两个方面改进:"],
)
def test_unfamiliar_remedy_lead_ins_switch_to_improvements(lead: str) -> None:
    text = f"五、存在的主要问题及改进情况\n但也存在一些不足:一是主动公开意识有待进一步加强;二是工作创新能力仍需进一步增强。{lead}(一)加强组织领导,明确责任。(二)丰富公开形式。"
    problems, improvements = split_items(text)
    assert _starts(problems) == ["一是主动公开", "二是工作创新"]
    assert _starts(improvements) == ["(一)加强组", "(二)丰富公"]


def test_sub_headings_on_their_own_lines() -> None:
    text = (
        "二.存在的主要问题及整改情况\n(一)存在的问题\n1.信息公开内容单一化,信息公开形式有待进一步拓展\n2.部分信息公开不够及时,更新较慢。\n"
        "(二)整改措施\n1.加强政务公开制度建设健全公开机制,规范公开内容。\n2.加强政务信息公开力度,保证及时准确。\n"
    )
    problems, improvements = split_items(text)
    assert _starts(problems) == ["1.信息公开", "2.部分信息"]
    assert _starts(improvements) == ["1.加强政务", "2.加强政务"]


def test_sub_headings_run_into_the_text_as_copied_from_a_web_page() -> None:
    text = (
        "六、主要问题和改进措施\n(一)存在问题虽然我区政府信息公开工作取得了一定成效，但主要还存在以下问题：一是兼职经办，流动性较大；"
        "二是主动公开内容不够深化。（二）改进措施一是重点推进与群众生活密切相关的政府信息公开。二是建立健全电子公文流转管理机制。"
    )
    problems, improvements = split_items(text)
    assert _starts(problems) == ["一是兼职经办", "二是主动公开"]
    assert _starts(improvements) == ["一是重点推进", "二是建立健全"]


def test_one_numbered_list_restarting_for_the_remedies() -> None:
    text = (
        "一是存在形式上公开多的现象。一些单位主动公开的动力不足。\n二是政策解读专业化程度不高。\n"
        "一是进一步健全完善政务公开工作机制。全面落实五公开工作机制。\n二是加强解读队伍建设。\n"
    )
    problems, improvements = split_items(text)
    assert _starts(problems) == ["一是存在形式", "二是政策解读"]
    assert _starts(improvements) == ["一是进一步健", "二是加强解读"]


def test_numbered_items_each_with_problem_and_remedy() -> None:
    text = (
        "五、存在的主要问题及改进情况\n1是政务公开规范性有待提高。下一步将规范申请办理程序。\n"
        "2是人员紧缺,难以安排专人从事政务公开工作。下一步将优化机构人员配备。\n3．整改措施：明确信息报送时限。\n"
    )
    problems, improvements = split_items(text)
    assert _starts(problems) == ["1是政务公开", "2是人员紧缺"]
    assert _starts(improvements) == ["下一步将规范", "下一步将优化", "3．整改措施"]


def test_improvements_with_their_own_titled_sub_headings() -> None:
    text = (
        "五、存在的主要问题及改进情况\n存在问题：一是信息公开内容不够全面；二是更新不及时。\n下一步工作打算：\n"
        "（一）加强组织领导\n明确分管领导和责任科室，层层压实责任。\n（二）拓宽公开渠道\n充分利用政务新媒体，丰富公开形式。\n"
        "（三）提高对政府信息公开的认识 一是完善主动公开目录；二是提高信息主动公开的质量。\n"
    )
    problems, improvements = split_items(text)
    assert _starts(problems) == ["一是信息公开", "二是更新不及"]
    assert improvements[:2] == ["（一）加强组织领导 明确分管领导和责任科室，层层压实责任", "（二）拓宽公开渠道 充分利用政务新媒体，丰富公开形式"]
    assert _starts(improvements[2:]) == ["一是完善主动", "二是提高信息"]


def test_next_step_paragraph_and_vague_lead_in_sentences_are_not_items() -> None:
    text = (
        "四、政府信息公开工作存在的主要问题及改进措施\n当然，我们的政务公开工作离群众的要求还存在着一定的差距。"
        "主要表现在注重对办事程序的公布，对公开办事的结果重视不够。\n"
        "下一步,我局将在继续做好常规信息公开的基础上,及时、准确、全面公开民众关心的政府信息。\n"
    )
    problems, improvements = split_items(text)
    assert problems == ["主要表现在注重对办事程序的公布，对公开办事的结果重视不够"]
    assert len(improvements) == 1 and improvements[0].startswith("下一步,我局将")


def test_section_reporting_nothing_gives_one_item() -> None:
    assert split_items("五、存在的主要问题及改进情况\n无。\n") == (["无"], [])


def test_a_title_line_over_an_inner_list_is_no_item() -> None:
    text = "五、存在的主要问题及改进情况\n存在问题：\n2、政府信息公开工作队伍建设有待加强\n一是工作人员难以确保；\n二是业务能力有待加强。\n"
    assert _starts(split_items(text)[0]) == ["一是工作人员", "二是业务能力"]


@pytest.mark.parametrize(
    ("lead", "kept"),
    [("下一步，我局将严格按照要求做好政务公开工作。", False), ("下一步，我市将不断丰富主动公开内容，积极推进依申请公开工作。", True)],
)
def test_a_remedy_sentence_introducing_a_list_is_an_item_only_when_it_names_a_topic(lead: str, kept: bool) -> None:
    text = f"五、存在的主要问题及改进情况\n一是信息更新不及时。\n{lead}一是加强业务培训。二是完善考核机制。\n"
    improvements = split_items(text)[1]
    assert _starts(improvements) == ([lead[:6]] if kept else []) + ["一是加强业务", "二是完善考核"]


def test_page_furniture_after_the_last_item_is_no_item() -> None:
    text = "五、存在的主要问题及改进情况\n一是信息更新不及时。\n下一步改进措施：一是加强平台建设。\n二是加强业务学习。\n【打印本页】【关闭窗口】\n"
    assert _starts(split_items(text)[1]) == ["一是加强平台", "二是加强业务"]


def test_a_numbered_sub_heading_closed_by_a_full_stop_is_no_item_but_its_sentence_is() -> None:
    text = (
        "三、政府信息公开工作存在的主要问题及改进情况1、工作中存在的主要问题和困难。宣传还不够深入，工作流程不够规范等。"
        "2、具体解决办法和改进措施。一是加强《条例》宣传。二是完善公开工作方案。"
    )
    problems, improvements = split_items(text)
    assert problems == ["宣传还不够深入，工作流程不够规范等"]
    assert _starts(improvements) == ["一是加强《条", "二是完善公开"]


def test_a_remedy_lead_clause_stays_with_the_rest_of_its_sentence() -> None:
    text = (
        "五、存在的主要问题及改进措施\n（一）存在的问题\n一是工作人员较少；二是内容不够充实。\n（二）改进措施\n"
        "针对上述问题，在今后的工作中，我局将加强沟通学习，不断推动工作上新台阶。1.加强组织领导。2.加强舆情研判。\n"
    )
    improvements = split_items(text)[1]
    assert _starts(improvements) == ["针对上述问题", "1.加强组织", "2.加强舆情"]


def test_a_shortfall_announcement_after_a_list_of_done_remedies_opens_the_problems() -> None:
    text = (
        "五、存在的主要问题及改进情况针对上年存在的问题，我局采取措施加以改进。一是完善制度，重新梳理了公开目录。"
        "二是加强学习，提升了业务水平。2021年，我局在政府信息公开方面取得了一定的成效，但也存在一些问题。"
        "一是公开属性界定还不够清晰。二是解读还要加强。下一步，我局将加大学习培训力度。"
    )
    problems, improvements = split_items(text)
    assert problems == ["一是公开属性界定还不够清晰", "二是解读还要加强"]
    assert improvements[1] == "二是加强学习，提升了业务水平"


def test_remedies_that_later_name_the_problems_they_fix_stay_remedies() -> None:
    text = (
        "五、存在的主要问题及改进情况2022年，我局工作取得一定成绩，但也存在一些不足之处，主要表现在：公开面还不够广。"
        "2023年，我局将重点做好三个方面工作：一是公开范围力求“全”。拓宽公开的范围，回应群众关切的问题；"
        "二是监督保障力求“细”。对检查发现的问题整改工作进行“回头看”。"
        "三是公开行为力求“严”。及时对巡查存在问题进行整改。"
    )
    problems, improvements = split_items(text)
    assert problems == ["公开面还不够广"]
    assert _starts(improvements) == ["一是公开范围", "二是监督保障", "三是公开行为"]


def test_a_shortfall_announcement_inside_the_last_done_remedy_ends_it() -> None:
    text = (
        "五、存在的主要问题及改进情况我局针对上年存在的问题，积极整改。一是组织学习《条例》；二是强化审核把关；"
        "三是强化督查，对属性标注错误的处室予以通报。2021年，我局工作中也仍存在一些不足之处。"
        "如部分专栏知晓率不够高、公开深度还不能满足群众的期望等。下一步，我局将更加重视与公众的互动沟通。"
    )
    problems, improvements = split_items(text)
    assert problems == ["如部分专栏知晓率不够高、公开深度还不能满足群众的期望等"]
    assert improvements[2] == "三是强化督查，对属性标注错误的处室予以通报" and improvements[3].startswith("下一步")
