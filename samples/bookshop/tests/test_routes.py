from __future__ import annotations


def test_ping(client):
    assert client.get("/ping").json == {"status": "ok"}


def test_create_and_list_books(client):
    response = client.post("/books", json={
        "isbn": "9780441172719", "title": "Dune", "author": "Frank Herbert",
        "price_cents": 1299, "stock": 3,
    })
    assert response.status_code == 201
    listed = client.get("/books?q=dune").json
    assert [book["title"] for book in listed] == ["Dune"]


def test_checkout_flow(client, dune):
    response = client.post("/orders", json={
        "email": "reader@example.org", "items": [{"book_id": dune.id, "quantity": 3}],
    })
    assert response.status_code == 201
    order = response.json
    assert order["total_cents"] == 3 * 1299 + 0
    paid = client.post(f"/orders/{order['id']}/pay").json
    assert paid["status"] == "paid"


def test_checkout_rejects_empty_basket(client):
    response = client.post("/orders", json={"email": "reader@example.org", "items": []})
    assert response.status_code == 400
    assert "empty" in response.json["error"]
