package se.vardmote.media.net;

import java.net.InetAddress;
import java.util.List;
import se.vardmote.media.Cidr;

/**
 * The source networks the media plane accepts STUN and media from (an empty list means any). Keeps the
 * server from answering checks a browser sends from interfaces the deployment does not mean to use.
 * Immutable; any thread.
 */
public final class AllowedNetworks {

    private final Cidr[] networks;

    public AllowedNetworks(List<Cidr> networks) {
        this.networks = networks.toArray(new Cidr[0]);
    }

    public boolean allows(InetAddress source) {
        if (networks.length == 0) return true;
        // An IPv4 peer reaching a dual-stack socket shows up as ::ffff:a.b.c.d; Java already
        // maps those to Inet4Address, so one comparison per network is enough.
        for (Cidr network : networks) {
            if (network.contains(source)) return true;
        }
        return false;
    }

    public boolean allowsAny() { return networks.length == 0; }
}
