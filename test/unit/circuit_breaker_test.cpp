// Circuit breaker of managed MVs (src/core/circuit_breaker.cpp): every transition.
#include "pg_tviews/core/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace pg_tviews::core {
namespace {

const BreakerSettings kThree{3, 600};

void ExpectAdmission(CircuitBreaker &breaker, int64_t now, bool allowed, bool probe)
{
    const Admission admission = breaker.Admit(now);
    EXPECT_EQ(admission.allowed, allowed) << "at " << now;
    EXPECT_EQ(admission.probe, probe) << "at " << now;
}

TEST(CircuitBreaker, StartsClosedAndAdmitsEveryRun)
{
    CircuitBreaker breaker;
    EXPECT_EQ(breaker.state, BreakerState::kClosed);
    EXPECT_EQ(breaker.consecutive_failures, 0);
    for (int64_t now : {0, 1000, 5000}) ExpectAdmission(breaker, now, true, false);
    EXPECT_EQ(breaker.state, BreakerState::kClosed);
}

TEST(CircuitBreaker, OpensAtTheThreshold)
{
    CircuitBreaker breaker;
    breaker.OnFailure(1000, kThree);
    breaker.OnFailure(2000, kThree);
    EXPECT_EQ(breaker.state, BreakerState::kClosed);
    EXPECT_EQ(breaker.consecutive_failures, 2);
    ExpectAdmission(breaker, 2500, true, false);
    breaker.OnFailure(3000, kThree);
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
    EXPECT_EQ(breaker.consecutive_failures, 3);
    EXPECT_EQ(breaker.opened_until, 3600);
}

TEST(CircuitBreaker, OpenRefusesUntilTheCooldownEndsThenAdmitsOneProbe)
{
    CircuitBreaker breaker;
    for (int64_t now : {1000, 2000, 3000}) breaker.OnFailure(now, kThree);
    ExpectAdmission(breaker, 3000, false, false);
    ExpectAdmission(breaker, 3599, false, false);
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
    ExpectAdmission(breaker, 3600, true, true);
    EXPECT_EQ(breaker.state, BreakerState::kHalfOpen);
    // The probe is out: nothing else runs, however late.
    ExpectAdmission(breaker, 3600, false, false);
    ExpectAdmission(breaker, 99999, false, false);
    EXPECT_EQ(breaker.state, BreakerState::kHalfOpen);
}

TEST(CircuitBreaker, ProbeAfterTheCooldownIsAdmittedLateToo)
{
    CircuitBreaker breaker;
    for (int64_t now : {1000, 2000, 3000}) breaker.OnFailure(now, kThree);
    ExpectAdmission(breaker, 50000, true, true);
    EXPECT_EQ(breaker.state, BreakerState::kHalfOpen);
}

TEST(CircuitBreaker, SuccessfulProbeCloses)
{
    CircuitBreaker breaker;
    for (int64_t now : {1000, 2000, 3000}) breaker.OnFailure(now, kThree);
    ExpectAdmission(breaker, 3600, true, true);
    breaker.OnSuccess();
    EXPECT_EQ(breaker.state, BreakerState::kClosed);
    EXPECT_EQ(breaker.consecutive_failures, 0);
    ExpectAdmission(breaker, 3700, true, false);
    // Counting starts again from zero.
    breaker.OnFailure(4000, kThree);
    breaker.OnFailure(4100, kThree);
    EXPECT_EQ(breaker.state, BreakerState::kClosed);
}

TEST(CircuitBreaker, FailedProbeReopensForAnotherCooldown)
{
    CircuitBreaker breaker;
    for (int64_t now : {1000, 2000, 3000}) breaker.OnFailure(now, kThree);
    ExpectAdmission(breaker, 3600, true, true);
    breaker.OnFailure(3900, kThree);
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
    EXPECT_EQ(breaker.consecutive_failures, 4);
    EXPECT_EQ(breaker.opened_until, 4500);
    ExpectAdmission(breaker, 4499, false, false);
    ExpectAdmission(breaker, 4500, true, true);
}

TEST(CircuitBreaker, FailedProbeReopensEvenAfterTheThresholdWasRaised)
{
    CircuitBreaker breaker;
    for (int64_t now : {1000, 2000, 3000}) breaker.OnFailure(now, kThree);
    ExpectAdmission(breaker, 3600, true, true);
    breaker.OnFailure(3900, BreakerSettings{10, 600});
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
    EXPECT_EQ(breaker.opened_until, 4500);
}

TEST(CircuitBreaker, SuccessWhileClosedResetsTheCount)
{
    CircuitBreaker breaker;
    breaker.OnFailure(1000, kThree);
    breaker.OnFailure(2000, kThree);
    breaker.OnSuccess();
    EXPECT_EQ(breaker.consecutive_failures, 0);
    breaker.OnFailure(3000, kThree);
    breaker.OnFailure(4000, kThree);
    EXPECT_EQ(breaker.state, BreakerState::kClosed);
    breaker.OnFailure(5000, kThree);
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
}

TEST(CircuitBreaker, ThresholdOneOpensOnTheFirstFailure)
{
    const BreakerSettings one{1, 60};
    CircuitBreaker breaker;
    breaker.OnFailure(100, one);
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
    EXPECT_EQ(breaker.opened_until, 160);
    ExpectAdmission(breaker, 159, false, false);
    ExpectAdmission(breaker, 160, true, true);
    breaker.OnFailure(170, one);
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
    EXPECT_EQ(breaker.opened_until, 230);
    ExpectAdmission(breaker, 230, true, true);
    breaker.OnSuccess();
    EXPECT_EQ(breaker.state, BreakerState::kClosed);
}

TEST(CircuitBreaker, ThresholdBelowOneActsAsOne)
{
    for (int threshold : {0, -5}) {
        CircuitBreaker breaker;
        breaker.OnFailure(100, BreakerSettings{threshold, 60});
        EXPECT_EQ(breaker.state, BreakerState::kOpen) << threshold;
    }
}

TEST(CircuitBreaker, ZeroCooldownProbesAtOnce)
{
    CircuitBreaker breaker;
    breaker.OnFailure(100, BreakerSettings{1, 0});
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
    ExpectAdmission(breaker, 100, true, true);
}

TEST(CircuitBreaker, FailureOfARunForcedWhileOpenRestartsTheCooldown)
{
    CircuitBreaker breaker;
    for (int64_t now : {1000, 2000, 3000}) breaker.OnFailure(now, kThree);
    breaker.OnFailure(3300, kThree);
    EXPECT_EQ(breaker.state, BreakerState::kOpen);
    EXPECT_EQ(breaker.consecutive_failures, 4);
    EXPECT_EQ(breaker.opened_until, 3900);
    // A forced run that succeeds closes it.
    breaker.OnSuccess();
    EXPECT_EQ(breaker.state, BreakerState::kClosed);
}

TEST(CircuitBreaker, ResetClosesFromEveryState)
{
    CircuitBreaker open;
    for (int64_t now : {1000, 2000, 3000}) open.OnFailure(now, kThree);
    open.Reset();
    EXPECT_EQ(open.state, BreakerState::kClosed);
    EXPECT_EQ(open.consecutive_failures, 0);
    ExpectAdmission(open, 3001, true, false);

    CircuitBreaker half_open;
    for (int64_t now : {1000, 2000, 3000}) half_open.OnFailure(now, kThree);
    ExpectAdmission(half_open, 3600, true, true);
    half_open.Reset();
    EXPECT_EQ(half_open.state, BreakerState::kClosed);
    ExpectAdmission(half_open, 3601, true, false);

    CircuitBreaker closed;
    closed.OnFailure(1000, kThree);
    closed.Reset();
    EXPECT_EQ(closed.consecutive_failures, 0);
}

TEST(CircuitBreaker, CooldownDoesNotOverflow)
{
    const int64_t max = std::numeric_limits<int64_t>::max();
    CircuitBreaker breaker;
    breaker.OnFailure(max - 10, BreakerSettings{1, 600});
    EXPECT_EQ(breaker.opened_until, max);
    ExpectAdmission(breaker, max - 1, false, false);
}

TEST(BreakerState, NamesRoundTrip)
{
    EXPECT_EQ(ToString(BreakerState::kClosed), "closed");
    EXPECT_EQ(ToString(BreakerState::kOpen), "open");
    EXPECT_EQ(ToString(BreakerState::kHalfOpen), "half_open");
    for (BreakerState state : {BreakerState::kClosed, BreakerState::kOpen, BreakerState::kHalfOpen})
        EXPECT_EQ(BreakerStateFromString(ToString(state)), state);
    for (const char *name : {"", "Closed", "OPEN", "half-open", "halfopen", "open ", "shut"})
        EXPECT_EQ(BreakerStateFromString(name), std::nullopt) << name;
}

}  // namespace
}  // namespace pg_tviews::core
