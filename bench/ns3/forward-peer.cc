// The ns-3 side of routelab's forwarding workload (bench/workloads/forward.ts): a chain of
// --routers routers (r1 - r2 - ... - rN, link i on 10.0.i.0/24, .1 on the left, .2 on the
// right, --delay each), static routes to every subnet (ns-3's global routing computes them once
// before the run, as routelab's chain gets its static routes from the topology), and r1 sending
// --requests 56-byte ICMP echo requests to the last router's link address, one every --gap,
// every one answered: each request and reply crosses all N-1 links.
//
// A packet-hop is a packet received by a point-to-point device (its MacRx trace), as routelab
// counts received packets on link interfaces. Prints one JSON line: the hops, the replies and
// the wall time of Simulator::Run (building the chain excluded, as for the RIP peer).
//
//   forward-peer [--routers=32] [--requests=50000] [--gap=100us] [--delay=1ms] [--rate=1Gbps]
//
// Built by bench/ns3/build-forward.sh against Debian's libns3-dev (or an optimized ns-3).
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-apps-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <iostream>
#include <sstream>

using namespace ns3;

static uint64_t g_hops = 0;
static uint64_t g_replies = 0;

static void
OnMacRx(Ptr<const Packet>)
{
    g_hops++;
}

static void
OnReply(Ptr<const Packet>)
{
    g_replies++;
}

int
main(int argc, char* argv[])
{
    uint32_t routers = 32;
    uint32_t requests = 50000;
    std::string gap = "100us", delay = "1ms", rate = "1Gbps";
    CommandLine cmd;
    cmd.AddValue("routers", "routers in the chain", routers);
    cmd.AddValue("requests", "echo requests r1 sends", requests);
    cmd.AddValue("gap", "time between two requests", gap);
    cmd.AddValue("delay", "link delay", delay);
    cmd.AddValue("rate", "link data rate (ns-3's point-to-point model has one; routelab's default has none)", rate);
    cmd.Parse(argc, argv);
    if (routers < 2)
    {
        std::cerr << "--routers: at least 2" << std::endl;
        return 2;
    }

    NodeContainer nodes;
    nodes.Create(routers);
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(nodes);
    PointToPointHelper p2p;
    p2p.SetChannelAttribute("Delay", StringValue(delay));
    p2p.SetDeviceAttribute("DataRate", StringValue(rate));
    Ipv4Address last;
    for (uint32_t i = 1; i < routers; i++)
    {
        NetDeviceContainer d = p2p.Install(nodes.Get(i - 1), nodes.Get(i));
        std::ostringstream base;
        base << "10." << (i >> 8) << "." << (i & 0xff) << ".0";
        Ipv4AddressHelper addr(base.str().c_str(), "255.255.255.0");
        last = addr.Assign(d).GetAddress(1);
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    Time every(gap);
    V4PingHelper ping(last);
    ping.SetAttribute("Interval", TimeValue(every));
    ApplicationContainer app = ping.Install(nodes.Get(0));
    app.Start(Seconds(0));
    // Requests leave at 0, gap, 2 gap, ...: stopping half a gap after the last one sends `requests`.
    app.Stop(every * requests - every / 2);
    Config::ConnectWithoutContext("/NodeList/*/DeviceList/*/$ns3::PointToPointNetDevice/MacRx",
                                  MakeCallback(&OnMacRx));
    // What reaches r1 is the replies (its only link; device 0 is the loopback). Counted at the
    // device: the ping application stops after its last request, before the last replies arrive.
    nodes.Get(0)->GetDevice(1)->TraceConnectWithoutContext("MacRx", MakeCallback(&OnReply));
    // Long enough for the last reply to come back across the chain twice over.
    Simulator::Stop(every * requests + Time(delay) * (4 * routers) + Seconds(1));

    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "{\"peer\":\"ns-3 3.37\",\"routers\":" << routers << ",\"requests\":" << requests
              << ",\"replies\":" << g_replies << ",\"packetHops\":" << g_hops
              << ",\"events\":" << Simulator::GetEventCount() << ",\"wallSeconds\":" << wall
              << ",\"hopsPerSecond\":" << (wall > 0 ? g_hops / wall : 0) << "}" << std::endl;
    Simulator::Destroy();
    return 0;
}
