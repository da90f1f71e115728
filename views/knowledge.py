"""The knowledge base: its articles (view `knowledge`), and the search page operators use
on a caller's behalf (menu "Knowledge base search", `/admin/kb`)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette_admin import DateTimeField, EnumField, IntegerField, StringField, TextAreaField
from starlette_admin.views import Link

from actions import knowledge
from actions.errors import Refused
from admin import db
from admin.auth import actor, has_role
from admin.i18n import N_, current_locale, lazy_gettext
from models import ArticleAudience, KnowledgeArticle, Role
from models.knowledge import ARTICLE_LANGUAGES
from views.base import SportelloModelView, version_field
from views.fragments import call, forbidden, is_htmx, operator_link, render
from views.intake import LANGUAGES

AUDIENCE_LABELS = {"public": N_("public"), "resellers": N_("resellers only")}


class KnowledgeArticleView(SportelloModelView):
    model = KnowledgeArticle
    key = "knowledge"
    display_name = lazy_gettext("Knowledge article")
    menu_label = lazy_gettext("Knowledge base")
    icon = "fa fa-book"
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("title", label=lazy_gettext("Title"), required=True, maxlength=200),
        StringField(
            "product_line", label=lazy_gettext("Product line"), required=True, maxlength=80
        ),
        StringField("product", label=lazy_gettext("Product"), required=True, maxlength=80),
        EnumField(
            "audience",
            choices=[(value, lazy_gettext(label)) for value, label in AUDIENCE_LABELS.items()],
            label=lazy_gettext("Audience"),
        ),
        EnumField(
            "language",
            choices=[(code, lazy_gettext(LANGUAGES[code])) for code in ARTICLE_LANGUAGES],
            label=lazy_gettext("Language"),
        ),
        TextAreaField(
            "body",
            label=lazy_gettext("Text (Markdown)"),
            rows=14,
            exclude_from_list=True,
            exclude_from_detail=True,  # shown rendered (knowledge_detail.html)
        ),
        DateTimeField("created_at", label=lazy_gettext("Created"), read_only=True),
        DateTimeField("updated_at", label=lazy_gettext("Updated"), read_only=True),
        version_field(),
    ]
    exclude_fields_from_create = ["id", "created_at", "updated_at"]
    exclude_fields_from_edit = ["id", "created_at", "updated_at"]
    # Operators correct articles; adding one to what callers and resellers are told is
    # a supervisor's decision.
    create_role = Role.SUPERVISOR
    detail_template = "knowledge_detail.html"
    searchable_fields = ["title", "product_line", "product", "audience", "language"]
    sortable_fields = ["id", "title", "product_line", "product", "language", "updated_at"]
    fields_default_sort = ["product_line", "product", "title"]

    def body_html(self, article: KnowledgeArticle) -> Markup:
        return knowledge.render_markdown(article.body)


def menu_link() -> Link:
    return operator_link(
        lazy_gettext("Knowledge base search"), "fa fa-magnifying-glass", "/admin/kb"
    )


def _values(request: Request) -> dict[str, str]:
    """The form as asked for; the language defaults to the operator's own."""
    params = request.query_params
    locale = current_locale()
    audience = params.get("audience", "")
    return {
        "q": params.get("q", ""),
        "product": params.get("product", ""),
        "audience": audience if audience in AUDIENCE_LABELS else ArticleAudience.PUBLIC.value,
        "language": params.get("language") or (locale if locale in ARTICLE_LANGUAGES else "en"),
    }


async def page(request: Request) -> Response:
    """Before a search, the form and the frequent searches; after one, its results and the
    button that opens a ticket referring to it. A search is logged (the frequent searches
    count them), so that request writes."""
    with db.writing() if "q" in request.query_params else db.reading():
        return await _page(request)


async def _page(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    values = _values(request)
    context: dict[str, Any] = {"result": None, "error": None, "error_field": None}
    if "q" in request.query_params:
        try:
            context["result"] = await call(
                request,
                knowledge.search,
                values["q"],
                language=values["language"],
                audience=values["audience"],
                product=values["product"] or None,
                operator_username=actor(request).username,
            )
        except Refused as refusal:
            context.update(error=refusal.translated(), error_field=refusal.field)
    response: Response
    if _results_only(request):
        response = render(
            request, "knowledge_results.html", audiences=AUDIENCE_LABELS, as_page=False, **context
        )
    else:
        response = await _whole_page(request, values, context)
    response.headers["Vary"] = "HX-Request"  # the same address answers a page or its results
    return response


def _results_only(request: Request) -> bool:
    """A search sent from the page (htmx) replaces its results; going back in the history
    to an address htmx pushed asks for the whole page again."""
    return is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"


async def _whole_page(
    request: Request, values: dict[str, str], context: dict[str, Any]
) -> Response:
    language = values["language"] if values["language"] in ARTICLE_LANGUAGES else None
    return render(
        request,
        "knowledge_search.html",
        values=values,
        products=await call(request, knowledge.products),
        frequent=await call(request, knowledge.frequent_searches, language=language),
        days=knowledge.FREQUENT_DAYS,
        languages={code: LANGUAGES[code] for code in ARTICLE_LANGUAGES},
        audiences=AUDIENCE_LABELS,
        as_page=True,
        **context,
    )


def routes() -> list[Route]:
    return [Route("/kb", page, methods=["GET"], name="kb")]
