"""Administrative divisions: the GB/T 2260 data, the loader, subtree queries, the subdivision import and the API."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import ApplicationError
from core.regions import gb2260
from core.regions.models import Region, RegionLevel
from core.regions.names import region_short_name
from core.regions.selectors import region_children, region_path, region_subtree
from core.regions.services import read_subdivision_csv, regions_import_subdivisions, regions_load_divisions

CHANGSHA_COUNTIES = ["430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430182"]
ZHUZHOU_COUNTIES = ["430202", "430203", "430204", "430211", "430212", "430223", "430224", "430225", "430281"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def codes(queryset_or_list):
    return sorted(region.code for region in queryset_or_list)


def write_csv(tmp_path, text, *, encoding="utf-8-sig", name="subdivisions.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def import_file(path, county_code="430181"):
    stdout, stderr = StringIO(), StringIO()
    error = None
    try:
        call_command("import_subdivisions", county_code, str(path), stdout=stdout, stderr=stderr)
    except CommandError as raised:
        error = raised
    return error, stdout.getvalue(), stderr.getvalue()


# --- GB/T 2260 data ---------------------------------------------------------------------------------------------


def test_both_the_abolished_and_the_current_liuyang_codes_ever_existed():
    ever = gb2260.ever_existed_codes()
    assert "430123" in ever  # 浏阳县, abolished in 1993
    assert "430181" in ever  # 浏阳市, its successor
    assert "999999" not in ever


def test_an_abolished_division_has_no_current_name_but_keeps_its_history():
    divisions = {division.code: division for division in gb2260.all_divisions()}
    liuyang_county = divisions["430123"]
    assert liuyang_county.current_name is None
    assert [name.name for name in liuyang_county.names] == ["浏阳县"]
    assert liuyang_county.names[0].until == 1993
    assert divisions["430181"].current_name == "浏阳市"


def test_a_renamed_division_is_known_by_its_newest_name():
    divisions = {division.code: division for division in gb2260.all_divisions()}
    furong = divisions["430102"]
    assert furong.current_name == "芙蓉区"
    assert [name.name for name in furong.names] == ["东区", "芙蓉区"]


def test_all_divisions_are_ordered_by_code_and_classified_by_level():
    divisions = gb2260.all_divisions()
    assert [division.code for division in divisions] == sorted(division.code for division in divisions)
    by_code = {division.code: division for division in divisions}
    assert by_code["430000"].level == "province"
    assert by_code["430100"].level == "city"
    assert by_code["430181"].level == "county"


def test_current_divisions_leave_out_abolished_codes_and_the_city_district_placeholders():
    current = {division.code: division for division in gb2260.current_divisions()}
    assert "430181" in current
    assert "430123" not in current
    assert "430101" not in current  # 长沙市 市辖区
    assert not [
        code for code, division in current.items() if division.level == "county" and division.current_name == "市辖区"
    ]


# --- loading provinces, cities and counties ---------------------------------------------------------------------


def test_load_regions_loads_34_provinces_and_every_current_city_and_county(no_regions):
    stdout = StringIO()
    call_command("load_regions", stdout=stdout)

    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 34
    current = gb2260.current_divisions()
    assert set(Region.objects.values_list("code", flat=True)) == {division.code for division in current}
    loaded_levels = Counter(Region.objects.values_list("level", flat=True))
    assert loaded_levels == Counter(division.level for division in current)
    assert loaded_levels["city"] > 300
    assert loaded_levels["county"] > 2800
    assert f"Loaded {len(current)}" in stdout.getvalue()


def test_liuyang_is_a_county_under_changsha_under_hunan(no_regions):
    regions_load_divisions()
    liuyang = Region.objects.get(code="430181")
    assert (liuyang.name, liuyang.level) == ("浏阳市", RegionLevel.COUNTY)
    assert (liuyang.parent.code, liuyang.parent.name, liuyang.parent.level) == ("430100", "长沙市", RegionLevel.CITY)
    hunan = liuyang.parent.parent
    assert (hunan.code, hunan.name, hunan.level) == ("430000", "湖南省", RegionLevel.PROVINCE)
    assert hunan.parent is None


def test_every_loaded_region_hangs_under_a_region_of_a_higher_level_that_shares_its_prefix(no_regions):
    regions_load_divisions()
    levels = dict(Region.objects.values_list("code", "level"))
    for code, level, parent_code in Region.objects.values_list("code", "level", "parent_id"):
        if level == RegionLevel.PROVINCE:
            assert parent_code is None
        elif level == RegionLevel.CITY:
            assert parent_code == code[:2] + "0000"
        else:
            assert parent_code in {code[:4] + "00", code[:2] + "0000"}
            assert levels[parent_code] in {RegionLevel.CITY, RegionLevel.PROVINCE}


def test_abolished_codes_are_not_loaded_as_current_regions(no_regions):
    regions_load_divisions()
    assert not Region.objects.filter(code="430123").exists()  # 浏阳县


def test_the_city_district_placeholders_are_not_loaded(no_regions):
    regions_load_divisions()
    assert not Region.objects.filter(code="430101").exists()
    assert not Region.objects.filter(level=RegionLevel.COUNTY, name="市辖区").exists()


def test_loading_regions_twice_changes_nothing(no_regions):
    first = regions_load_divisions()
    count = Region.objects.count()
    second = regions_load_divisions()
    assert first == second == count
    assert Region.objects.count() == count


def test_loading_regions_again_restores_a_renamed_region(no_regions):
    call_command("load_regions", stdout=StringIO())
    Region.objects.filter(code="430181").update(name="浏阳县")
    call_command("load_regions", stdout=StringIO())
    assert Region.objects.get(code="430181").name == "浏阳市"


@pytest.mark.django_db
def test_loading_regions_again_keeps_the_townships_and_villages_already_imported(regions):
    count = Region.objects.count()
    regions_load_divisions()
    assert Region.objects.count() == count
    assert Region.objects.get(code="430181102201").parent_id == "430181102"


# --- tree queries -----------------------------------------------------------------------------------------------


def test_the_subtree_of_changsha_includes_liuyang_and_its_townships_and_villages(regions):
    changsha = Region.objects.get(code="430100")
    subtree = set(region_subtree(changsha).values_list("code", flat=True))
    assert "430100" in subtree
    assert set(CHANGSHA_COUNTIES) <= subtree
    assert {"430181001", "430181102", "430181001201", "430181102201", "430181102202"} <= subtree


def test_the_subtree_of_changsha_excludes_zhuzhou_and_its_counties(regions):
    changsha = Region.objects.get(code="430100")
    subtree = set(region_subtree(changsha).values_list("code", flat=True))
    assert "430200" not in subtree
    assert not subtree & set(ZHUZHOU_COUNTIES)
    assert "430000" not in subtree
    assert all(code.startswith("4301") for code in subtree)


def test_the_subtree_of_hunan_holds_its_cities_counties_and_villages_but_no_other_province(regions):
    hunan = Region.objects.get(code="430000")
    subtree = region_subtree(hunan)
    codes_in_subtree = set(subtree.values_list("code", flat=True))
    assert {"430000", "430100", "430200", "430181", "430281", "430181102201"} <= codes_in_subtree
    assert all(code.startswith("43") for code in codes_in_subtree)
    assert "420000" not in codes_in_subtree
    assert subtree.filter(level=RegionLevel.CITY).count() == 14  # 13 cities and 湘西州


def test_the_subtree_of_a_village_is_the_village_alone(regions):
    village = Region.objects.get(code="430181102201")
    assert list(region_subtree(village).values_list("code", flat=True)) == ["430181102201"]


def test_the_subtree_of_a_township_is_the_township_and_its_villages(regions):
    dayao = Region.objects.get(code="430181102")
    assert codes(region_subtree(dayao)) == ["430181102", "430181102201", "430181102202"]


def test_the_subtree_is_one_query_with_a_like_prefix_and_no_join(regions, django_assert_num_queries):
    changsha = Region.objects.get(code="430100")
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(1):
        list(region_subtree(changsha))
    sql = queries.captured_queries[0]["sql"]
    assert "LIKE" in sql.upper()
    assert "'4301%'" in sql
    assert "JOIN" not in sql.upper()


def test_the_path_of_a_village_runs_from_the_province_down_in_one_query(regions, django_assert_num_queries):
    village = Region.objects.get(code="430181102201")
    with django_assert_num_queries(1):
        path = region_path(village)
    assert [region.name for region in path] == ["湖南省", "长沙市", "浏阳市", "大瑶镇", "大瑶村"]
    assert [region.code for region in path] == ["430000", "430100", "430181", "430181102", "430181102201"]


def test_the_path_of_a_county_and_of_a_province(regions, django_assert_max_num_queries):
    assert [region.name for region in region_path(Region.objects.get(code="430181"))] == ["湖南省", "长沙市", "浏阳市"]
    hunan = Region.objects.get(code="430000")
    with django_assert_max_num_queries(1):
        assert region_path(hunan) == [hunan]


def test_region_children_lists_the_provinces_or_the_regions_one_level_down(regions):
    assert region_children().count() == 34
    assert codes(region_children(parent_code="430100")) == CHANGSHA_COUNTIES
    assert codes(region_children(parent_code="430181")) == ["430181001", "430181102"]


def test_a_region_contains_the_codes_that_share_its_prefix(regions):
    changsha = Region.objects.get(code="430100")
    assert changsha.prefix == "4301"
    assert changsha.contains("430181102201")
    assert not changsha.contains("430202")


# --- importing townships and villages ---------------------------------------------------------------------------


def test_a_utf8_csv_with_a_byte_order_mark_imports_townships_and_villages_under_their_parents(regions, tmp_path):
    path = write_csv(
        tmp_path,
        "代码,名称\r\n430181104,永安镇\r\n430181104201,永安村\r\n430181104202,坪头村\r\n430181102203,大瑶新村\r\n",
        encoding="utf-8-sig",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    error, stdout, stderr = import_file(path)

    assert error is None, stderr
    assert "Imported 1 townships and 3 villages." in stdout
    yongan = Region.objects.get(code="430181104")
    assert (yongan.name, yongan.level, yongan.parent_id) == ("永安镇", RegionLevel.TOWNSHIP, "430181")
    village = Region.objects.get(code="430181104202")
    assert (village.name, village.level, village.parent_id) == ("坪头村", RegionLevel.VILLAGE, "430181104")
    # A village of a township that was already in the database.
    assert Region.objects.get(code="430181102203").parent_id == "430181102"


def test_a_gb18030_csv_as_chinese_excel_writes_it_is_imported(regions, tmp_path):
    text = "区划代码,区划名称\r\n430181105,沿溪镇\r\n430181105201,沿溪村\r\n"
    path = write_csv(tmp_path, text, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    error, _stdout, stderr = import_file(path)

    assert error is None, stderr
    assert Region.objects.get(code="430181105").name == "沿溪镇"
    assert Region.objects.get(code="430181105201").name == "沿溪村"
    assert Region.objects.get(code="430181105201").parent_id == "430181105"


def test_a_twelve_digit_township_code_ending_in_000_is_stored_as_nine_digits(regions, tmp_path):
    path = write_csv(tmp_path, "code,name\n430181106000,官渡镇\n430181106201,官渡村\n")

    error, _stdout, stderr = import_file(path)

    assert error is None, stderr
    assert not Region.objects.filter(code="430181106000").exists()
    township = Region.objects.get(code="430181106")
    assert (township.name, township.level, township.parent_id) == ("官渡镇", RegionLevel.TOWNSHIP, "430181")
    assert Region.objects.get(code="430181106201").parent_id == "430181106"


def test_codes_typed_with_full_width_circled_or_superscript_digits_are_stored_in_ascii_digits(regions):
    """The typed-input rule (core/typed_input.py): NFKC folds "４", "①" and "²" to plain digits; `str.isdigit` let
    "①" and "²" through as they were, into the code column."""
    rows = [(2, "４３０１８１１１１", "全角镇"), (3, "430181111２０①", "全角村"), (4, "43018111²", "上标镇")]

    assert regions_import_subdivisions(county_code="430181", rows=rows) == (2, 1)

    assert Region.objects.get(code="430181111").name == "全角镇"
    assert Region.objects.get(code="430181111201").parent_id == "430181111"
    assert Region.objects.get(code="430181112").name == "上标镇"
    assert not Region.objects.exclude(code__regex=r"^[0-9]+$").exists()


@pytest.mark.parametrize("code", ["4301811一二", "43018111Ⅱ", "430181-11-"])
def test_a_code_that_is_not_all_digits_after_normalising_is_refused(regions, code):
    with pytest.raises(ApplicationError) as raised:
        regions_import_subdivisions(county_code="430181", rows=[(2, code, "坏码镇")])
    assert [problem.row for problem in raised.value.details["problems"]] == [2]
    assert not Region.objects.filter(name="坏码镇").exists()


def test_a_file_with_several_bad_rows_imports_nothing_and_names_every_row_and_problem(regions, tmp_path):
    before = Region.objects.count()
    path = write_csv(
        tmp_path,
        "代码,名称\n"
        "43018110A,坏码镇\n"  # row 2: not digits
        "4301811,短码镇\n"  # row 3: wrong length
        "430182101,宁乡的镇\n"  # row 4: a township of 宁乡市, not 浏阳市
        "430181107,古港镇\n"  # row 5: good
        "430181107,古港镇二\n"  # row 6: duplicate of row 5
        "430181108,\n"  # row 7: no name
        "430181199201,孤村\n"  # row 8: township 430181199 is nowhere
        "430181107201,古港村\n",  # row 9: good
    )

    error, stdout, stderr = import_file(path)

    assert isinstance(error, CommandError)
    assert "6 处错误" in str(error)
    assert "未导入任何数据" in str(error)
    assert Region.objects.count() == before
    assert not Region.objects.filter(code__in=["430181107", "430181107201"]).exists()
    assert "Imported" not in stdout
    lines = stderr.strip().splitlines()
    assert [re.match(r"第 (\d+) 行", line).group(1) for line in lines] == ["2", "3", "4", "6", "7", "8"]
    assert "43018110A" in lines[0]
    assert "4301811" in lines[1]
    assert "430182101" in lines[2]
    assert "浏阳市" in lines[2]
    assert "与第 5 行重复" in lines[3]
    assert "名称" in lines[4]
    assert "不能为空" in lines[4]
    assert "430181199" in lines[5]
    assert "既不在文件中也不在系统中" in lines[5]


def test_the_import_service_reports_the_problems_in_its_error_details(regions):
    rows = [(2, "430181109", "张坊镇"), (3, "abc", "坏码"), (4, "430181109", "张坊镇")]
    with pytest.raises(ApplicationError) as raised:
        regions_import_subdivisions(county_code="430181", rows=rows)
    problems = raised.value.details["problems"]
    assert [problem.row for problem in problems] == [3, 4]
    assert not Region.objects.filter(code="430181109").exists()


def test_a_file_without_the_header_row_is_refused_with_a_clear_message(regions, tmp_path):
    before = Region.objects.count()
    path = write_csv(tmp_path, "430181110,达浒镇\n430181110201,达浒村\n")

    error, _stdout, _stderr = import_file(path)

    assert isinstance(error, CommandError)
    assert "表头" in str(error)
    assert "代码" in str(error)
    assert "名称" in str(error)
    assert Region.objects.count() == before


def test_an_empty_file_is_refused_with_the_header_message(regions):
    with pytest.raises(ApplicationError, match="表头"):
        read_subdivision_csv(b"")


def test_a_file_with_only_a_header_is_refused(regions):
    with pytest.raises(ApplicationError, match="没有数据行"):
        regions_import_subdivisions(county_code="430181", rows=read_subdivision_csv("代码,名称\n".encode()))


def test_reading_a_csv_keeps_the_row_numbers_the_user_sees_and_skips_blank_lines():
    data = "名称,代码\n 淮川街道 , 430181001 \n,\n\n大瑶镇,430181102\n".encode("utf-8-sig")
    assert read_subdivision_csv(data) == [(2, "430181001", "淮川街道"), (5, "430181102", "大瑶镇")]


def test_reimporting_a_file_renames_the_regions_already_there(regions, tmp_path):
    count = Region.objects.count()
    path = write_csv(tmp_path, "代码,名称\n430181102,大瑶新镇\n430181102201,大瑶新村\n")

    error, stdout, stderr = import_file(path)

    assert error is None, stderr
    assert "Imported 1 townships and 1 villages." in stdout
    assert Region.objects.count() == count
    assert Region.objects.get(code="430181102").name == "大瑶新镇"
    assert Region.objects.get(code="430181102201").name == "大瑶新村"
    assert Region.objects.get(code="430181102201").parent_id == "430181102"


def test_importing_into_an_unknown_or_abolished_county_is_refused(regions, tmp_path):
    path = write_csv(tmp_path, "代码,名称\n430123101,某镇\n")

    error, _stdout, _stderr = import_file(path, county_code="430123")

    assert isinstance(error, CommandError)
    assert "430123" in str(error)
    assert "不存在" in str(error)
    assert not Region.objects.filter(code="430123101").exists()


def test_importing_into_a_city_instead_of_a_county_is_refused(regions):
    with pytest.raises(ApplicationError, match="430100"):
        regions_import_subdivisions(county_code="430100", rows=[(2, "430100101", "某镇")])


def test_a_missing_file_gives_a_command_error(regions, tmp_path):
    error, _stdout, _stderr = import_file(tmp_path / "nowhere.csv")
    assert isinstance(error, CommandError)
    assert "nowhere.csv" in str(error)


# --- database constraints ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("4301811", RegionLevel.TOWNSHIP, "430181"),  # 7 digits for a township
        ("4301811022", RegionLevel.VILLAGE, "430181102"),  # 10 digits for a village
        ("430181102", RegionLevel.COUNTY, "430100"),  # 9 digits for a county
        ("430183", RegionLevel.VILLAGE, "430181102"),  # 6 digits for a village
        ("43018A", RegionLevel.COUNTY, "430100"),  # not digits
        ("4301", RegionLevel.CITY, "430000"),  # too short
    ],
)
def test_the_database_refuses_a_code_whose_length_does_not_match_its_level(regions, code, level, parent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code=code, name="错误", level=level, parent_id=parent)


def test_the_database_refuses_a_province_with_a_parent_and_a_county_without_one(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="990000", name="错误省", level=RegionLevel.PROVINCE, parent_id="430000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="430199", name="错误县", level=RegionLevel.COUNTY, parent=None)


def test_the_database_accepts_a_code_of_the_right_length(regions):
    Region.objects.create(code="430181111", name="葛家镇", level=RegionLevel.TOWNSHIP, parent_id="430181")
    assert Region.objects.filter(code="430181111").exists()


# --- the API the region picker calls ----------------------------------------------------------------------------


def test_the_region_list_without_a_parent_returns_the_34_provinces(regions, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/regions/")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 34
    assert {"code": "430000", "name": "湖南省", "level": "province", "parent": None} in body
    assert all(region["level"] == "province" for region in body)


def test_the_region_list_of_changsha_holds_its_districts_and_counties_including_liuyang(regions, client):
    response = client.get("/api/v1/regions/", {"parent": "430100"})
    assert response.status_code == 200
    body = response.json()
    assert [region["code"] for region in body] == CHANGSHA_COUNTIES
    assert {"code": "430181", "name": "浏阳市", "level": "county", "parent": "430100"} in body


def test_the_region_list_of_liuyang_holds_its_townships(regions, client):
    response = client.get("/api/v1/regions/", {"parent": "430181"})
    assert [region["name"] for region in response.json()] == ["淮川街道", "大瑶镇"]


def test_a_parent_that_is_not_a_number_is_refused_in_the_error_shape_with_a_chinese_message(regions, client):
    response = client.get("/api/v1/regions/", {"parent": "abc"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == "invalid"
    assert CHINESE.search(body["error"]["message"])
    assert body["error"]["fields"] == {"parent": [body["error"]["message"]]}
    assert "public" not in response.get("Cache-Control", "")


def test_a_parent_typed_in_full_width_digits_lists_the_same_regions(regions, client):
    response = client.get("/api/v1/regions/", {"parent": "４３０１８１"})
    assert [region["name"] for region in response.json()] == ["淮川街道", "大瑶镇"]


def test_an_unknown_parent_gives_an_empty_list(regions, client):
    response = client.get("/api/v1/regions/", {"parent": "999900"})
    assert response.status_code == 200
    assert response.json() == []


def test_an_empty_parent_gives_the_provinces(regions, client):
    response = client.get("/api/v1/regions/", {"parent": ""})
    assert response.status_code == 200
    assert len(response.json()) == 34


def test_the_region_list_may_be_cached_by_anyone(regions, client):
    response = client.get("/api/v1/regions/", {"parent": "430100"})
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=3600" in cache_control


@pytest.mark.parametrize(
    ("name", "short"),
    [("浏阳市", "浏阳"), ("新化县", "新化"), ("城步苗族自治县", "城步"), ("神农架林区", "神农架"),
     ("湖南省", "湖南"), ("香港特别行政区", "香港"), ("城区", "城区"), ("东莞", "东莞")],
)  # fmt: skip
def test_a_place_is_also_known_by_its_name_without_the_suffix_of_its_kind(name, short):
    assert region_short_name(name) == short
