"""Choosing a region: the cascading form field and widget, and the API's serializer field."""

from html.parser import HTMLParser

from django import forms
from django.utils import translation
from rest_framework import serializers

from core.regions.fields import RegionChoiceField, RegionField, RegionPickerWidget
from core.regions.models import Region
from core.regions.services import regions_import_subdivisions

CHANGSHA_COUNTIES = ["430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430182"]


class CountyForm(forms.Form):
    place = RegionChoiceField(levels=["county"])


def village_form(root):
    class VillageForm(forms.Form):
        place = RegionChoiceField(levels=["village", "township"], root=root)

    return VillageForm


class CountySerializer(serializers.Serializer):
    county = RegionField(levels=["county"])


class SelectParser(HTMLParser):
    """The selects of a rendered widget: name -> {"disabled", "options": [(value, text)], "selected": [value]}."""

    def __init__(self):
        super().__init__()
        self.selects = {}
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = {"disabled": "disabled" in attrs, "options": [], "selected": [], "attrs": attrs}
            self.selects[attrs["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value", ""), ""]
            if "selected" in attrs:
                self._select["selected"].append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, text = self._option
            if value:  # leave out the "选择…" placeholder
                self._select["options"].append((value, text.strip()))
            self._option = None
        elif tag == "select":
            self._select = None


def parse_selects(html):
    parser = SelectParser()
    parser.feed(html)
    return parser.selects


def option_values(select):
    return [value for value, _text in select["options"]]


# --- RegionChoiceField ------------------------------------------------------------------------------------------


def test_a_county_field_accepts_the_county_select_alone(regions):
    form = CountyForm(data={"place__county": "430181"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == Region.objects.get(code="430181")


def test_the_deepest_chosen_level_wins(regions):
    form = CountyForm(data={"place__province": "430000", "place__city": "430100", "place__county": "430181"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"].code == "430181"


def test_a_county_field_refuses_stopping_at_the_city_and_asks_to_go_on_to_the_county(regions):
    form = CountyForm(data={"place__province": "430000", "place__city": "430100", "place__county": ""})
    assert not form.is_valid()
    assert form.errors["place"] == ["请继续选择到县。"]


def test_a_county_field_refuses_stopping_at_the_province(regions):
    form = CountyForm(data={"place__province": "430000", "place__city": "", "place__county": ""})
    assert not form.is_valid()
    assert form.errors["place"] == ["请继续选择到县。"]


def test_a_county_field_refuses_an_unknown_code(regions):
    form = CountyForm(data={"place__province": "430000", "place__city": "430100", "place__county": "430123"})
    assert not form.is_valid()
    assert form.errors["place"] == ["请选择一个有效的地区。"]


def test_a_county_field_is_required_by_default(regions):
    form = CountyForm(data={"place__province": "", "place__city": "", "place__county": ""})
    assert not form.is_valid()
    assert "place" in form.errors


def test_a_field_rooted_at_liuyang_accepts_a_village_or_a_township_of_liuyang(regions):
    liuyang = Region.objects.get(code="430181")
    form_class = village_form(liuyang)

    village = form_class(data={"place__township": "430181102", "place__village": "430181102201"})
    assert village.is_valid(), village.errors
    assert village.cleaned_data["place"].name == "大瑶村"

    township = form_class(data={"place__township": "430181102", "place__village": ""})
    assert township.is_valid(), township.errors
    assert township.cleaned_data["place"].name == "大瑶镇"


def test_a_field_rooted_at_liuyang_refuses_a_township_outside_liuyang(regions):
    regions_import_subdivisions(county_code="430121", rows=[(2, "430121100", "星沙街道")])  # 长沙县
    liuyang = Region.objects.get(code="430181")

    form = village_form(liuyang)(data={"place__township": "430121100", "place__village": ""})

    assert not form.is_valid()
    assert form.errors["place"] == ["只能选择 浏阳市 范围内的地区。"]


def test_a_field_rooted_at_liuyang_refuses_liuyang_itself_as_too_shallow(regions):
    liuyang = Region.objects.get(code="430181")
    form = village_form(liuyang)(data={"place": "430181"})
    assert not form.is_valid()
    assert form.errors["place"][0].startswith("请继续选择到")


# --- RegionPickerWidget -----------------------------------------------------------------------------------------


def test_the_widget_for_liuyang_shows_hunan_changsha_and_liuyang_selected(regions):
    html = str(CountyForm(initial={"place": "430181"})["place"])
    selects = parse_selects(html)

    assert list(selects) == ["place__province", "place__city", "place__county"]
    province, city, county = selects.values()
    assert province["selected"] == ["430000"]
    assert ("430000", "湖南省") in province["options"]
    assert len(province["options"]) == 34
    assert city["selected"] == ["430100"]
    assert ("430100", "长沙市") in city["options"]
    assert all(code.startswith("43") for code in option_values(city))
    assert county["selected"] == ["430181"]
    assert option_values(county) == CHANGSHA_COUNTIES
    assert ("430181", "浏阳市") in county["options"]
    assert not any(select["disabled"] for select in selects.values())


def test_the_widget_accepts_a_region_row_as_its_initial_value(regions):
    liuyang = Region.objects.get(code="430181")
    selects = parse_selects(str(CountyForm(initial={"place": liuyang})["place"]))
    assert [select["selected"] for select in selects.values()] == [["430000"], ["430100"], ["430181"]]


def test_the_widget_without_a_value_lists_only_the_provinces_and_disables_the_other_levels(regions):
    selects = parse_selects(str(CountyForm()["place"]))

    province, city, county = selects["place__province"], selects["place__city"], selects["place__county"]
    assert len(province["options"]) == 34
    assert province["selected"] == []
    assert not province["disabled"]
    assert city["options"] == []
    assert city["disabled"]
    assert county["options"] == []
    assert county["disabled"]


def test_the_widget_after_a_submission_without_javascript_offers_the_next_level(regions):
    form = CountyForm(data={"place__province": "430000", "place__city": "", "place__county": ""})
    assert not form.is_valid()

    selects = parse_selects(str(form["place"]))

    assert selects["place__province"]["selected"] == ["430000"]
    assert ("430100", "长沙市") in selects["place__city"]["options"]
    assert not selects["place__city"]["disabled"]
    assert selects["place__county"]["disabled"]


def test_the_widget_rooted_at_liuyang_shows_the_root_and_only_the_levels_below_it(regions):
    liuyang = Region.objects.get(code="430181")
    html = str(village_form(liuyang)(initial={"place": "430181102201"})["place"])
    selects = parse_selects(html)

    assert "湖南省 / 长沙市 / 浏阳市" in html
    assert list(selects) == ["place__township", "place__village"]
    assert option_values(selects["place__township"]) == ["430181001", "430181102"]
    assert selects["place__township"]["selected"] == ["430181102"]
    assert option_values(selects["place__village"]) == ["430181102201", "430181102202"]
    assert selects["place__village"]["selected"] == ["430181102201"]


def test_the_widget_rooted_at_liuyang_ignores_an_initial_value_outside_it(regions):
    liuyang = Region.objects.get(code="430181")
    selects = parse_selects(str(village_form(liuyang)(initial={"place": "430182"})["place"]))
    assert option_values(selects["place__township"]) == ["430181001", "430181102"]
    assert selects["place__township"]["selected"] == []
    assert selects["place__village"]["disabled"]


def test_the_widget_tells_the_script_where_to_fetch_the_next_level_and_brings_the_script(regions):
    form = CountyForm()
    html = str(form["place"])
    assert 'data-children-url="/api/v1/regions/"' in html
    assert 'data-name="place"' in html
    assert "js/region-picker.js" in str(form.media)
    selects = parse_selects(html)
    assert selects["place__province"]["attrs"].get("id") == "id_place"


def test_the_widget_reads_the_deepest_non_empty_select_and_falls_back_to_the_plain_name():
    widget = RegionPickerWidget(deepest_level="county")
    data = {"place__province": "430000", "place__city": "430100", "place__county": ""}
    assert widget.value_from_datadict(data, {}, "place") == "430100"
    assert widget.value_from_datadict({"place": "430181"}, {}, "place") == "430181"
    assert widget.value_omitted_from_data({}, {}, "place")
    assert not widget.value_omitted_from_data({"place__city": ""}, {}, "place")


def test_the_widget_is_rendered_once_per_selection_then_read_from_the_cache(regions, django_assert_num_queries):
    first = str(CountyForm(initial={"place": "430181"})["place"])
    with django_assert_num_queries(0):
        again = str(CountyForm(initial={"place": "430181"})["place"])
    assert again == first


def test_the_cached_widget_shows_the_region_chosen_and_the_language(regions):
    str(CountyForm(initial={"place": "430181"})["place"])  # cached for 浏阳市, in Chinese

    xinhua = parse_selects(str(CountyForm(initial={"place": "431322"})["place"]))
    with translation.override("en"):
        english = str(CountyForm(initial={"place": "430181"})["place"])
    chinese = str(CountyForm(initial={"place": "430181"})["place"])

    assert [select["selected"] for select in xinhua.values()] == [["430000"], ["431300"], ["431322"]]
    assert "Choose a county" in english
    assert "选择县" in chinese
    assert "Choose a county" not in chinese
    assert parse_selects(english)["place__county"]["selected"] == ["430181"]


def test_the_cached_widget_shows_regions_imported_after_it_was_cached(regions, django_capture_on_commit_callbacks):
    liuyang = Region.objects.get(code="430181")
    str(village_form(liuyang)()["place"])

    with django_capture_on_commit_callbacks(execute=True):
        regions_import_subdivisions(county_code="430181", rows=[(2, "430181103", "永安镇")])

    townships = parse_selects(str(village_form(liuyang)()["place"]))["place__township"]
    assert ("430181103", "永安镇") in townships["options"]


# --- RegionField (API) ------------------------------------------------------------------------------------------


def test_the_serializer_field_accepts_a_county_code(regions):
    serializer = CountySerializer(data={"county": "430181"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["county"] == Region.objects.get(code="430181")


def test_the_serializer_field_writes_a_region_as_its_code(regions):
    assert CountySerializer({"county": Region.objects.get(code="430181")}).data == {"county": "430181"}


def test_the_serializer_field_refuses_an_unknown_code_in_chinese(regions):
    serializer = CountySerializer(data={"county": "430123"})
    assert not serializer.is_valid()
    assert serializer.errors["county"] == ["地区代码 430123 不存在。"]
    assert serializer.errors["county"][0].code == "does_not_exist"


def test_the_serializer_field_refuses_a_region_of_the_wrong_level_in_chinese(regions):
    serializer = CountySerializer(data={"county": "430100"})
    assert not serializer.is_valid()
    assert serializer.errors["county"] == ["这里需要县级的地区代码。"]
    assert serializer.errors["county"][0].code == "wrong_level"
