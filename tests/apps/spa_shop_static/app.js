// Shop: a small single-page app in plain JavaScript, rendered the way a React app would be.
// All state lives in localStorage under "shop."; there is no server API. window.BUGS names the
// planted bugs that are switched on (tests/apps/spa_shop.py); with none, every behaviour is right.
(function () {
  "use strict";

  const BUGS = new Set(window.BUGS || []);
  const bug = (name) => BUGS.has(name);
  const KEY = "shop.";
  const CATEGORIES = ["Fruit", "Vegetable", "Dairy"];
  const SEED = [
    { name: "Apple", category: "Fruit", price: 1.2 },
    { name: "Banana", category: "Fruit", price: 0.5 },
    { name: "Mango", category: "Fruit", price: 3.1 },
    { name: "Carrot", category: "Vegetable", price: 0.9 },
    { name: "Spinach", category: "Vegetable", price: 2.2 },
    { name: "Pumpkin", category: "Vegetable", price: 4.75 },
    { name: "Milk", category: "Dairy", price: 1.1 },
    { name: "Yogurt", category: "Dairy", price: 2.5 },
    { name: "Cheddar", category: "Dairy", price: 12.0 },
    { name: "Brie", category: "Dairy", price: 15.0 },
  ];

  function load(name, fallback) {
    try {
      const raw = localStorage.getItem(KEY + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (error) {
      return fallback;
    }
  }

  function store(name, value) {
    localStorage.setItem(KEY + name, JSON.stringify(value));
  }

  // The counter is kept for the session only (the page never claims otherwise).
  const state = {
    products: load("products", SEED),
    notes: load("notes", []),
    cart: load("cart", 0),
    count: 0,
  };
  let nextId = Date.now();

  // h("tag", {attr: value, onclick: fn}, ...children): text children are set as text, never HTML.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (value === true) el.setAttribute(key, "");
      else if (value !== false && value != null) el.setAttribute(key, String(value));
    }
    el.append(...children.filter((c) => c != null));
    return el;
  }

  const money = (price) => "$" + price.toFixed(2);

  // A message under a field, tied to it the way an accessible form library does.
  function showError(input, slot, text) {
    slot.replaceChildren(h("p", { role: "alert", id: slot.id + "-text", class: "error" }, text));
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", slot.id + "-text");
  }

  function clearError(input, slot) {
    slot.replaceChildren();
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }

  // ---- header --------------------------------------------------------------------------------
  const NAV = [
    ["/", "Products"],
    ["/notes", "Notes"],
    ["/counter", "Counter"],
    [bug("route") ? "/about-us" : "/about", "About"],
  ];

  function cartLabel() {
    return "Cart (" + state.cart + ")";
  }

  function header() {
    const links = NAV.map(([href, text]) =>
      h("li", {}, h("a", { href, "aria-current": location.pathname === href ? "page" : null }, text)),
    );
    return h(
      "header",
      { class: "site-header" },
      h("span", { class: "brand" }, "Shop"),
      h("nav", { "aria-label": "Main" }, h("ul", {}, ...links)),
      h("span", { id: "cart-count", "aria-label": "Cart items" }, cartLabel()),
    );
  }

  function addToCart() {
    state.cart += bug("counter") ? 2 : 1;
    store("cart", state.cart);
    document.getElementById("cart-count").textContent = cartLabel();
  }

  // ---- products --------------------------------------------------------------------------------
  const SORTS = {
    name: (a, b) => a.name.localeCompare(b.name),
    "price-asc": bug("sort")
      ? (a, b) => (money(a.price) < money(b.price) ? -1 : money(a.price) > money(b.price) ? 1 : 0)
      : (a, b) => a.price - b.price,
    "price-desc": (a, b) => b.price - a.price,
  };

  function productsView() {
    const filters = { query: "", category: "all", sort: "name" };
    const list = h("ul", { class: "products" });
    const emptySlot = h("div", {});

    function shown() {
      const query = filters.query.trim().toLowerCase();
      const term = bug("search") ? query.slice(0, 1) : query;
      let items = state.products.filter((p) => p.name.toLowerCase().includes(term));
      if (filters.category !== "all") {
        const extra = bug("filter") && filters.category === "Dairy" ? "Vegetable" : null;
        items = items.filter((p) => p.category === filters.category || p.category === extra);
      }
      return items.slice().sort(SORTS[filters.sort]);
    }

    function renderList() {
      const items = shown();
      list.replaceChildren(
        ...items.map((p) =>
          h(
            "li",
            { class: "product" },
            h("h3", {}, p.name),
            h("span", { class: "category" }, p.category),
            h("span", { class: "price" }, money(p.price)),
            h("button", { type: "button", onclick: addToCart }, "Add to cart"),
          ),
        ),
      );
      emptySlot.replaceChildren(
        ...(items.length ? [] : [h("p", { class: "empty" }, "No products match your search.")]),
      );
    }

    const search = h("input", {
      type: "search",
      "aria-label": "Search products",
      placeholder: "Search products",
      oninput: (event) => {
        filters.query = event.target.value;
        renderList();
      },
    });
    const category = h(
      "select",
      { name: "category", onchange: (event) => ((filters.category = event.target.value), renderList()) },
      h("option", { value: "all" }, "All"),
      ...CATEGORIES.map((c) => h("option", { value: c }, c)),
    );
    const sort = h(
      "select",
      { name: "sort", onchange: (event) => ((filters.sort = event.target.value), renderList()) },
      h("option", { value: "name" }, "Name (A-Z)"),
      h("option", { value: "price-asc" }, "Price: low to high"),
      h("option", { value: "price-desc" }, "Price: high to low"),
    );
    const add = h("button", { type: "button", class: "primary" }, "Add product");
    const view = h("section", { class: "products-view" });
    add.addEventListener("click", () => openAddDialog(view, add, renderList));

    renderList();
    view.append(
      h("h1", {}, "Products"),
      h(
        "div",
        { class: "toolbar" },
        h("div", { role: "search" }, search),
        h("label", {}, "Category ", category),
        h("label", {}, "Sort by ", sort),
        add,
      ),
      list,
      emptySlot,
    );
    return { title: "Products", node: view };
  }

  function openAddDialog(container, opener, onAdded) {
    const name = h("input", { name: "name", autocomplete: "off", "aria-required": "true" });
    const category = h("select", { name: "category" }, ...CATEGORIES.map((c) => h("option", { value: c }, c)));
    const price = h("input", { type: "number", name: "price", step: "0.01", min: "0", inputmode: "decimal" });
    const nameError = h("div", { id: "product-name-error" });
    const cancel = h("button", { type: "button" }, "Cancel");
    const form = h(
      "form",
      { novalidate: true },
      h("label", {}, "Name ", name),
      nameError,
      h("label", {}, "Category ", category),
      h("label", {}, "Price ", price),
      h("div", { class: "actions" }, cancel, h("button", { type: "submit", class: "primary" }, "Save")),
    );
    const dialog = h(
      "div",
      { role: "dialog", "aria-modal": "true", "aria-labelledby": "add-title", class: "dialog" },
      h("h2", { id: "add-title" }, "Add product"),
      form,
    );
    const backdrop = h("div", { class: "backdrop" }, dialog);

    function add() {
      const value = Number.parseFloat(price.value);
      state.products.push({
        name: name.value.trim(),
        category: category.value,
        price: Number.isFinite(value) ? value : 0,
      });
      store("products", state.products);
      onAdded();
    }

    function close() {
      document.removeEventListener("keydown", onKey);
      backdrop.remove();
      if (opener.isConnected) opener.focus();
    }

    function onKey(event) {
      if (!backdrop.isConnected) document.removeEventListener("keydown", onKey);
      else if (event.key === "Escape") close();
    }

    cancel.addEventListener("click", () => {
      if (bug("dialog")) add();
      close();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!name.value.trim()) {
        showError(name, nameError, "Name is required");
        name.focus();
        return;
      }
      add();
      close();
    });
    document.addEventListener("keydown", onKey);
    container.append(backdrop);
    name.focus();
  }

  // ---- notes -----------------------------------------------------------------------------------
  function saveNotes() {
    if (!bug("persist")) store("notes", state.notes);
  }

  function notesView() {
    const input = h("input", { name: "note", autocomplete: "off" });
    const errorSlot = h("div", { id: "note-error" });
    const list = h("ul", { class: "notes" });

    function renderList() {
      list.replaceChildren(
        ...state.notes.map((note) =>
          h(
            "li",
            {},
            h("span", { class: "note-text" }, note.text),
            h("button", { type: "button", onclick: () => remove(note.id) }, "Delete"),
          ),
        ),
      );
    }

    function remove(id) {
      state.notes = state.notes.filter((note) => note.id !== id);
      saveNotes();
      renderList();
    }

    const form = h(
      "form",
      {
        onsubmit: (event) => {
          event.preventDefault();
          const text = input.value.trim();
          if (!text && !bug("required")) {
            showError(input, errorSlot, "Please write a note.");
            input.focus();
            return;
          }
          clearError(input, errorSlot);
          state.notes.push({ id: nextId++, text });
          saveNotes();
          input.value = "";
          if (!bug("create")) renderList();
        },
      },
      h("label", {}, "New note ", input),
      h("button", { type: "submit" }, "Add note"),
      errorSlot,
    );
    renderList();
    const view = h(
      "section",
      { class: "notes-view" },
      h("h1", {}, "Notes"),
      h("p", {}, "Notes are saved in this browser."),
      form,
      list,
    );
    return { title: "Notes", node: view };
  }

  // ---- counter, about, not found ---------------------------------------------------------------
  function counterView() {
    const output = h("output", { "aria-live": "polite" }, "Count: " + state.count);
    const step = (by) => () => {
      state.count += by;
      output.textContent = "Count: " + state.count;
    };
    const view = h(
      "section",
      { class: "counter-view" },
      h("h1", {}, "Counter"),
      output,
      h(
        "div",
        { class: "stepper" },
        h("button", { type: "button", "aria-label": "Increment", onclick: step(1) }, "+"),
        h("button", { type: "button", "aria-label": "Decrement", onclick: step(bug("stepper") ? 1 : -1) }, "\u2212"),
      ),
    );
    return { title: "Counter", node: view };
  }

  function aboutView() {
    const view = h(
      "section",
      {},
      h("h1", {}, "About"),
      h("p", {}, "Shop is a small demo store: browse the products, fill your cart and keep a few notes."),
    );
    return { title: "About", node: view };
  }

  function notFoundView() {
    const view = h(
      "section",
      {},
      h("h1", {}, "Page not found"),
      h("p", {}, "There is no page at ", h("code", {}, location.pathname), "."),
      h("a", { href: "/" }, "Back to products"),
    );
    return { title: "Page not found", node: view };
  }

  // ---- router ----------------------------------------------------------------------------------
  const ROUTES = { "/": productsView, "/notes": notesView, "/counter": counterView, "/about": aboutView };
  const root = document.getElementById("root");

  function render() {
    const view = (ROUTES[location.pathname] || notFoundView)();
    root.replaceChildren(header(), h("main", { id: "main" }, view.node));
    document.title = view.title + " \u00b7 Shop";
  }

  function navigate(path) {
    if (path !== location.pathname) history.pushState({}, "", path);
    render();
    window.scrollTo(0, 0);
  }

  // Same-origin links route in the page; modified clicks (new tab, download) keep the browser's way.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin) return;
    event.preventDefault();
    navigate(url.pathname);
  });
  if (!bug("history")) window.addEventListener("popstate", render);

  render();
})();
