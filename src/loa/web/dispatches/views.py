"""Dispatch pages: list, write, send, the DOCX, the pack, and acknowledging receipt."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from loa.web.access import audit
from loa.web.access.decorators import staff_required
from loa.web.access.rules import can_act_for, can_issue, in_scope, require
from loa.web.access.scoping import get_scoped_or_404, membership_of, scoped
from loa.web.dashboard.indicators import Rate, recipient_statuses
from loa.web.dashboard.summary import REPORTED
from loa.web.dispatches import flows
from loa.web.dispatches.document import render_dispatch_docx
from loa.web.dispatches.duties import duties_for
from loa.web.dispatches.forms import DispatchForm
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.dispatches.packs import load_pack
from loa.web.units.models import OrgUnit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@staff_required
def dispatch_list(request: HttpRequest) -> HttpResponse:
    dispatches = scoped(Dispatch.objects.select_related("issuer"), request.user)
    mine = {d.dispatch_id: d for d in scoped(Delivery.objects.all(), request.user)}
    rows = [(d, mine.get(d.pk)) for d in dispatches]
    return render(request, "dispatches/list.html", {"rows": rows, "can_issue": can_issue(request.user)})


@staff_required
def dispatch_create(request: HttpRequest) -> HttpResponse:
    require(can_issue(request.user))
    membership = membership_of(request.user)
    if membership is None:
        raise Http404  # a superuser without a unit writes dispatches in the admin
    issuer = membership.unit
    form = DispatchForm(request.POST or None, user=request.user, initial=_initial(issuer, membership.scope))
    if request.method == "POST" and form.is_valid():
        dispatch = form.save(commit=False)
        dispatch.issuer, dispatch.created_by = issuer, request.user
        dispatch.save()
        form.save_m2m()
        audit.record(
            request.user,
            "dispatch.created",
            dispatch,
            f"Soạn công văn V/v {dispatch.subject}",
            path=issuer.path,
            request=request,
        )
        messages.success(request, "Đã lưu dự thảo công văn.")
        return redirect("staff:dispatch", pk=dispatch.pk)
    return render(request, "dispatches/form.html", {"form": form})


def _initial(issuer: OrgUnit, scope: OrgUnit) -> dict[str, object]:
    """Start a new dispatch from the issuer's last one (agency lines, signer, copies), dated today."""
    last = Dispatch.objects.filter(issuer=issuer).order_by("-issued_on", "-pk").first()
    kept = (
        "issuer_parent_name",
        "issuer_name",
        "symbol",
        "place",
        "closing",
        "copies_to",
        "signer_authority",
        "signer_title",
        "signer_name",
        "pack_manifest",
        "deadline_days",
    )
    start: dict[str, object] = (
        {name: getattr(last, name) for name in kept}
        if last
        else {
            "issuer_parent_name": f"UBND {scope.name}".upper(),
            "issuer_name": issuer.name.upper(),
            "place": scope.place_name,
            "deadline_days": 30,
        }
    )
    return start | {"issued_on": timezone.localdate()}


@staff_required
def dispatch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    require(can_issue(request.user) and in_scope(request.user, dispatch.issuer) and dispatch.is_draft)
    before = {f: getattr(dispatch, f) for f in DispatchForm.Meta.fields if not f.startswith("recipient_")}
    form = DispatchForm(request.POST or None, instance=dispatch, user=request.user)
    if request.method == "POST" and form.is_valid():
        dispatch = form.save()
        after = {f: getattr(dispatch, f) for f in before}
        audit.record(
            request.user,
            "dispatch.changed",
            dispatch,
            f"Sửa dự thảo V/v {dispatch.subject}",
            path=dispatch.issuer.path,
            changes=audit.diff(before, after),
            request=request,
        )
        messages.success(request, "Đã lưu thay đổi.")
        return redirect("staff:dispatch", pk=dispatch.pk)
    return render(request, "dispatches/form.html", {"form": form, "dispatch": dispatch})


RECIPIENTS_PER_PAGE = 100


@staff_required
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.select_related("issuer"), request.user, pk=pk)
    deliveries = scoped(dispatch.deliveries.all(), request.user).order_by("unit__path")
    # A national dispatch has tens of thousands of recipients: count in the database, show a page.
    pages = Paginator(deliveries.values_list("pk", flat=True), RECIPIENTS_PER_PAGE)
    page = pages.get_page(request.GET.get("trang"))
    order = {delivery: i for i, delivery in enumerate(page.object_list)}
    statuses = sorted(recipient_statuses(deliveries.filter(pk__in=order)), key=lambda s: order[s.delivery.pk])
    membership = membership_of(request.user)
    mine = (deliveries.filter(unit=membership.unit).first() if membership else None) or deliveries.first()
    own = (
        recipient_statuses(deliveries.filter(pk=mine.pk))[0]
        if mine and can_act_for(request.user, mine.unit)
        else None
    )
    total = pages.count
    reported = deliveries.filter(REPORTED).count()  # the recipients' progress rows, not every report
    unit_kind = own.delivery.unit.kind if own else (membership.unit.kind if membership else "")
    pack = load_pack(dispatch.pack_manifest)
    context = {
        "dispatch": dispatch,
        "statuses": statuses,
        "own": own,
        "can_edit": can_issue(request.user) and in_scope(request.user, dispatch.issuer) and dispatch.is_draft,
        "planned": flows.recipients_of(dispatch) if dispatch.is_draft else {},
        "pack": pack,
        "products": pack.for_unit_kind(unit_kind)[:40] if pack else [],
        "duties": duties_for(unit_kind),
        "page": page,
        "total": total,
        "reporting": Rate(reported, total),
        "acknowledged": Rate(deliveries.filter(acknowledged_at__isnull=False).count(), total),
    }
    return render(request, "dispatches/detail.html", context)


@require_POST
@staff_required
def dispatch_send(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    require(can_issue(request.user) and in_scope(request.user, dispatch.issuer))
    try:
        count = flows.send_dispatch(dispatch, by=request.user, request=request)
    except flows.DispatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã gửi công văn đến {count} đơn vị.")
    return redirect("staff:dispatch", pk=pk)


@staff_required
def dispatch_docx(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    response = HttpResponse(render_dispatch_docx(dispatch), content_type=DOCX)
    name = f"cong-van-{dispatch.number or 'du-thao'}-{dispatch.symbol}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
def pack_file(request: HttpRequest, pk: int, path: str) -> FileResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    pack = load_pack(dispatch.pack_manifest)
    target = pack.file(path) if pack else None
    if target is None:
        raise Http404
    return FileResponse(target.open("rb"), as_attachment=True, filename=target.name)


@require_POST
@staff_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_scoped_or_404(Delivery.objects.select_related("unit", "dispatch"), request.user, pk=pk)
    require(can_act_for(request.user, delivery.unit))
    if flows.acknowledge(delivery, by=request.user, request=request):
        messages.success(request, "Đã xác nhận nhận công văn.")
    return redirect("staff:dispatch", pk=delivery.dispatch_id)
