from innovation.web import Role


def test_login_page_renders_in_indonesian(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert "Masuk" in response.get_data(as_text=True)


def test_login_and_logout(client, make_user, login):
    user = make_user(role=Role.ADMIN)
    login(user)
    assert client.get("/auth/password").status_code == 200
    client.post("/auth/logout")
    assert client.get("/auth/password").status_code == 302


def test_wrong_password_is_refused(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"username": user.username, "password": "salah-sekali-1"})
    assert response.status_code == 200
    assert "salah" in response.get_data(as_text=True)
