from sim import CaringCommunity


def test_small_community_runs_and_records_weeks(small_centre_sud):
    model = CaringCommunity(small_centre_sud, rng=1)
    df = model.run(10)
    assert list(df["week"]) == list(range(11))
    assert df["isolated_share_all"].between(0, 1).all()


def test_same_seed_same_outcomes(small_centre_sud):
    a = CaringCommunity(small_centre_sud, rng=5).run(20)
    b = CaringCommunity(small_centre_sud, rng=5).run(20)
    c = CaringCommunity(small_centre_sud, rng=6).run(20)
    assert a.equals(b)
    assert not a.equals(c)
