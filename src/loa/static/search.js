// Pagefind search page: reads ?q= from the address so the home page's search box works.
// The site may live below a folder (or on a USB stick served locally), so result links start
// from the folder this script's site lives in, not from "/".
(function () {
  var siteRoot = new URL("../", document.currentScript.src).pathname;

  window.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("tim-kiem");
    var ui = new PagefindUI({
      element: "#tim-kiem",
      baseUrl: siteRoot,
      showSubResults: true,
      showImages: false,
      translations: {
        placeholder: "Ví dụ: dien thoai, bắt nạt, 111",
        clear_search: "Xóa",
        load_more: "Xem thêm kết quả",
        search_label: "Tìm trong trang này",
        zero_results: "Không có kết quả cho [SEARCH_TERM]. Thử từ khác, hoặc gọi 111 nếu cần giúp ngay.",
        many_results: "[COUNT] kết quả cho [SEARCH_TERM]",
        one_result: "[COUNT] kết quả cho [SEARCH_TERM]",
        alt_search: "Không có kết quả cho [SEARCH_TERM]. Kết quả cho [DIFFERENT_TERM]:",
        search_suggestion: "Không có kết quả cho [SEARCH_TERM]. Thử một trong các từ sau:",
        searching: "Đang tìm [SEARCH_TERM]…"
      }
    });
    // Tie the page's visible label to Pagefind's input, which has only a title of its own.
    var input = container.querySelector("input");
    if (input) {
      input.id = container.getAttribute("data-label-for");
      input.removeAttribute("title");
    }
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { ui.triggerSearch(q); }
  });
})();
