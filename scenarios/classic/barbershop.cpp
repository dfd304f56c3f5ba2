// classic/barbershop: Hilzer's barbershop (Downey, The Little Book of
// Semaphores, 5.4), with Weighted semaphores for the places and channels for
// the handoffs.
//
// The shop holds at most kCapacity customers; one who finds it full walks
// away. Inside, a customer stands until one of the kSofa places on the sofa is
// free, and sits on the sofa until one of the kBarbers chairs is free. Weighted
// queues its waiters first come first served, so whoever has stood longest sits
// first, and whoever has sat longest gets the next chair. In the chair he hands
// himself to a barber, and after the haircut he pays; there is one cash
// register, so the barbers take payments one at a time, and a customer leaves
// only with his receipt.
//
// Every move between places counts the customers in each place under one
// mutex and checks that no place holds more than it has room for.
#include <algorithm>
#include <chrono>
#include <deque>
#include <string>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/semaphore.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

constexpr int kCapacity = 4;  // customers in the shop, standing or seated
constexpr int kSofa = 2;
constexpr int kBarbers = 2;  // and as many chairs
constexpr int kCustomers = 8;

struct Customer {
  int id = 0;
  Chan<Unit> cut_done;  // the barber says the haircut is over
  Chan<Unit> receipt;   // the barber at the register hands the receipt
};

// Who is where, checked against the room each place has.
class Places {
 public:
  enum Place { kOutside, kStanding, kSofaSeat, kChair, kPaying };

  void Move(int customer, Place from, Place to) {
    mu_.Lock();
    count_[from]--;
    count_[to]++;
    const int inside = count_[kStanding] + count_[kSofaSeat] + count_[kChair] + count_[kPaying];
    check(inside <= kCapacity && count_[kSofaSeat] <= kSofa && count_[kChair] <= kBarbers,
          "customer " + std::to_string(customer) + " moved into a place that was full");
    mu_.Unlock();
  }

 private:
  Mutex mu_{"places"};
  int count_[5] = {};
};

void Main(const Config&) {
  semaphore::Weighted shop(kCapacity, "shop");
  semaphore::Weighted sofa(kSofa, "sofa");
  semaphore::Weighted chairs(kBarbers, "chairs");
  auto haircuts = make_chan<Customer*>(0, "haircuts");  // a customer in a chair
  auto payments = make_chan<Customer*>(0, "payments");  // a customer at the register
  auto closing = make_chan<Unit>(0, "closing");
  Mutex cash_register{"cash register"};
  Places places;
  const context::Context ctx = context::background();

  WaitGroup barbers{"barbers"};
  barbers.Add(kBarbers);
  for (int b = 0; b < kBarbers; b++) {
    go([&] {
      for (bool open = true; open;) {
        select(
            recv_case(haircuts, [](Customer* c) {
              sleep(300us);  // cut (time passes for the barber, not only CPU)
              c->cut_done.Send(Unit{});
            }),
            recv_case(payments, [&](Customer* c) {
              cash_register.Lock();  // one register: one payment at a time
              sleep(50us);
              cash_register.Unlock();
              c->receipt.Send(Unit{});
            }),
            recv_case(closing, [&] { open = false; }));
      }
      barbers.Done();
    }, "barber");
  }

  std::deque<Customer> customers;
  WaitGroup visits{"visits"};
  for (int i = 0; i < kCustomers; i++) {
    customers.push_back({i, make_chan<Unit>(0, "cut done"), make_chan<Unit>(0, "receipt")});
  }
  // got_haircut[i] is written by customer i and read by main after visits.Wait().
  std::deque<bool> got_haircut(kCustomers, false);
  visits.Add(kCustomers);
  for (Customer& c : customers) {
    go([&] {
      sleep(40us * c.id);  // customers arrive one after another
      if (!shop.TryAcquire(1)) {  // full: walk away
        visits.Done();
        return;
      }
      places.Move(c.id, Places::kOutside, Places::kStanding);
      (void)sofa.Acquire(ctx, 1);
      places.Move(c.id, Places::kStanding, Places::kSofaSeat);
      (void)chairs.Acquire(ctx, 1);
      places.Move(c.id, Places::kSofaSeat, Places::kChair);
      sofa.Release(1);
      haircuts.Send(&c);
      c.cut_done.Recv();
      places.Move(c.id, Places::kChair, Places::kPaying);
      chairs.Release(1);
      payments.Send(&c);
      c.receipt.Recv();
      places.Move(c.id, Places::kPaying, Places::kOutside);
      shop.Release(1);
      got_haircut[std::size_t(c.id)] = true;
      visits.Done();
    }, "customer " + std::to_string(c.id));
  }
  visits.Wait();
  closing.Close();
  barbers.Wait();
  const auto served = std::count(got_haircut.begin(), got_haircut.end(), true);
  const auto walked_away = kCustomers - served;
  check(served > 0 && walked_away > 0,
        std::to_string(served) + " served and " + std::to_string(walked_away) +
            " walked away: the lesson needs both");
}

}  // namespace

extern const Scenario kClassicBarbershop{
    "classic/barbershop",
    "Hilzer's barbershop: the shop, the sofa and the chairs as Weighted semaphores, the register as a handoff",
    "A customer tries the shop's semaphore (wsem.tryacquire): once four are inside, "
    "later ones fail and walk away. Inside, he waits for a sofa place and then a chair "
    "(wsem.acquire.enqueue, then wsem.notify.grant when one is released): Weighted "
    "grants in arrival order, so the sofa empties first in, first out. In the chair he "
    "sends himself on haircuts; a barber's select takes him (select.ready or select.wake) and later "
    "sends on his cut-done channel. He pays on payments: whichever barber receives it "
    "takes the cash register mutex, so payments are taken one at a time, and hands the "
    "receipt back. Each move is checked against the room of the place he moves into. "
    "Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
