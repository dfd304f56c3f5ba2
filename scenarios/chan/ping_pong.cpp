// chan/ping-pong: two goroutines hit a ball back and forth over two
// unbuffered channels.
//
// An unbuffered channel is a rendezvous: each send waits for its receive.
// The ball (a hit count) goes ping -> pong -> ping ..., one handoff at a time.
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

// Hits the ball back: each ball that comes in goes out one hit older.
void Player(RecvChan<int> in, SendChan<int> out, int hits) {
  for (int i = 0; i < hits; i++) out.Send(in.Recv() + 1);
}

void Main(const Config&) {
  auto ping = make_chan<int>(0, "ping");
  auto pong = make_chan<int>(0, "pong");
  go([ping, pong] { Player(ping, pong, 3); }, "player");
  int ball = 0;
  for (int i = 0; i < 3; i++) {
    ping.Send(ball);
    ball = pong.Recv() + 1;
  }
  check(ball == 6, "the ball was hit " + std::to_string(ball) + " times, want 6");
}

}  // namespace

extern const Scenario kChanPingPong{
    "chan/ping-pong",
    "Two goroutines bounce a ball over two unbuffered channels",
    "Each send on an unbuffered channel meets a receive. When the receiver is already "
    "waiting (chan.recv.park) the send hands the ball straight to it (chan.send.direct, "
    "receiver=...) and readies it: the arrow on the timeline. When the sender comes first "
    "it parks (chan.send.park) until a receive takes the ball from it (chan.recv.direct). "
    "qcount, sendx and recvx stay 0: there is no buffer. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
