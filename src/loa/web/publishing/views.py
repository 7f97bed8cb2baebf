"""Publishing pages (issuer administrators only): accounts, the plan with previews, review, the log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from loa.web.access.decorators import staff_required
from loa.web.access.rules import can_issue, require
from loa.web.access.scoping import get_scoped_or_404, membership_of, scoped
from loa.web.dispatches.models import Dispatch
from loa.web.publishing import flows
from loa.web.publishing.forms import AccountForm, BroadcastForm, PostForm
from loa.web.publishing.models import ChannelAccount, ChannelKind, Publication


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    require(can_issue(request.user))
    accounts = scoped(ChannelAccount.objects.select_related("unit"), request.user)
    log = scoped(Publication.objects.select_related("account", "dispatch"), request.user)
    return render(request, "publishing/index.html", {"accounts": accounts, "log": log[:200]})


TOKENS = ("page_token", "access_token", "refresh_token")


@sensitive_post_parameters(*TOKENS)  # never in an error report
@staff_required
def account_connect(request: HttpRequest, channel: str) -> HttpResponse:
    require(can_issue(request.user))
    membership = membership_of(request.user)
    if channel not in ChannelKind.values or membership is None:
        raise Http404
    return _account_form(request, channel=channel, account=None, unit=membership.unit)


@sensitive_post_parameters(*TOKENS)
@staff_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_scoped_or_404(ChannelAccount.objects.select_related("unit"), request.user, pk=pk)
    require(can_issue(request.user))
    return _account_form(request, channel=account.channel, account=account, unit=account.unit)


def _account_form(
    request: HttpRequest, *, channel: str, account: ChannelAccount | None, unit: Any
) -> HttpResponse:
    initial = (
        {"name": account.name, "target_id": account.target_id, "second_approval": account.second_approval}
        if account
        else {}
    )
    form = AccountForm(request.POST or None, initial=initial, channel=channel, editing=account is not None)
    if request.method == "POST" and form.is_valid():
        try:
            account = flows.connect(
                unit=unit,
                channel=channel,
                name=form.cleaned_data["name"],
                target_id=form.cleaned_data["target_id"],
                tokens=form.tokens(),
                second_approval=form.cleaned_data["second_approval"],
                by=request.user,
                account=account,
                request=request,
            )
        except flows.PublishingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã lưu {account} (token đã được mã hóa).")
            return redirect("publishing:index")
    context = {"form": form, "account": account, "channel_label": ChannelKind(channel).label}
    return render(request, "publishing/account_form.html", context)


@staff_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_scoped_or_404(ChannelAccount.objects.select_related("unit"), request.user, pk=pk)
    require(can_issue(request.user))
    dispatches = scoped(Dispatch.objects.exclude(pack_manifest=""), request.user)
    chosen = request.GET.get("cv") or request.POST.get("cv") or ""
    dispatch = get_scoped_or_404(dispatches, request.user, pk=chosen) if chosen.isdigit() else None
    items, problem = [], ""
    if dispatch is not None:
        try:
            items = flows.plan(account, dispatch)
        except flows.PublishingError as exc:
            problem = str(exc)
    if request.method == "POST" and dispatch is not None:
        item = next((i for i in items if i.topic == request.POST.get("topic")), None)
        form = PostForm(request.POST, images=item.images if item else ())
        if item is not None and form.is_valid():
            try:
                publication = flows.create(
                    account,
                    dispatch,
                    topic=item.topic,
                    when=form.cleaned_data["when"],
                    photos=form.cleaned_data["photos"],
                    by=request.user,
                    request=request,
                )
            except flows.PublishingError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Đã tạo bài đăng; bài cần được duyệt trước khi đăng.")
                return redirect("publishing:post", pk=publication.pk)
        else:
            messages.error(
                request, "; ".join(e for errs in form.errors.values() for e in errs) or "Chọn chủ đề."
            )
    rows = [(item, PostForm(initial={"topic": item.topic}, images=item.images)) for item in items]
    context = {
        "account": account,
        "dispatches": dispatches,
        "dispatch": dispatch,
        "rows": rows,
        "problem": problem,
    }
    return render(request, "publishing/plan.html", context)


@staff_required
def broadcast(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_scoped_or_404(ChannelAccount.objects.select_related("unit"), request.user, pk=pk)
    require(can_issue(request.user) and account.channel == ChannelKind.ZALO)
    sent = account.publications.filter(kind=Publication.Kind.POST, state=Publication.State.SENT)
    articles = list(dict.fromkeys((p.topic, p.title or p.topic) for p in sent))
    initial = {"provinces": flows.province_code(account.unit)}
    form = BroadcastForm(request.POST or None, articles=articles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            publication = flows.create_broadcast(
                account,
                topics=form.cleaned_data["topics"],
                provinces=form.province_codes(),
                when=form.cleaned_data["when"],
                by=request.user,
                request=request,
            )
        except flows.PublishingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã tạo tin truyền thông; tin cần được duyệt trước khi gửi.")
            return redirect("publishing:post", pk=publication.pk)
    return render(request, "publishing/broadcast.html", {"account": account, "form": form})


@staff_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_scoped_or_404(
        Publication.objects.select_related("account__unit", "dispatch", "approved_by", "second_approved_by"),
        request.user,
        pk=pk,
    )
    require(can_issue(request.user))
    item = None if publication.kind == Publication.Kind.BROADCAST else _preview(request, publication)
    context = {
        "publication": publication,
        "item": item,
        "is_second": publication.state == Publication.State.SECOND,
        "same_approver": publication.approved_by_id == request.user.pk,
    }
    return render(request, "publishing/post.html", context)


def _preview(request: HttpRequest, publication: Publication) -> flows.PlanItem | None:
    """Return the post as the platform will show it, from the build; None (with a message) if unreadable."""
    try:
        items = flows.plan(publication.account, publication.dispatch)
    except flows.PublishingError as exc:
        messages.error(request, str(exc))
        return None
    return next((i for i in items if i.topic == publication.topic), None)


@require_POST
@staff_required
def post_approve(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_scoped_or_404(Publication.objects.select_related("account__unit"), request.user, pk=pk)
    require(can_issue(request.user))
    try:
        publication = flows.approve(publication, by=request.user, request=request)
    except flows.PublishingError as exc:
        messages.error(request, str(exc))
    else:
        _say_state(request, publication)
    return redirect("publishing:post", pk=pk)


@require_POST
@staff_required
def post_send(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_scoped_or_404(Publication.objects.select_related("account__unit"), request.user, pk=pk)
    require(can_issue(request.user) and publication.can_retry)
    _say_state(request, flows.deliver(publication))
    return redirect("publishing:post", pk=pk)


def _say_state(request: HttpRequest, publication: Publication) -> None:
    state = Publication.State(publication.state)
    if state == Publication.State.FAILED:
        messages.error(request, f"Chưa đăng được: {publication.last_error}")
    else:
        messages.success(request, f"Trạng thái: {state.label}.")
