// Pagefind search page: reads ?q= from the address so the home page's search box works.
window.addEventListener("DOMContentLoaded", function () {
  var ui = new PagefindUI({
    element: "#tim-kiem",
    showSubResults: true,
    showImages: false,
    translations: {
      placeholder: "Tìm trong nội dung chiến dịch",
      clear_search: "Xóa",
      load_more: "Xem thêm kết quả",
      search_label: "Tìm trong trang này",
      zero_results: "Không có kết quả cho [SEARCH_TERM]",
      many_results: "[COUNT] kết quả cho [SEARCH_TERM]",
      one_result: "[COUNT] kết quả cho [SEARCH_TERM]",
      searching: "Đang tìm [SEARCH_TERM]…"
    }
  });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { ui.triggerSearch(q); }
});
