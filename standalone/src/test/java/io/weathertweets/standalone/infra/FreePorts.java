package io.weathertweets.standalone.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** The default ports are held by real servers on developer and CI machines: tests run the embedded ones elsewhere. */
final class FreePorts {

    private FreePorts() {
    }

    static InfrastructurePorts allocate() {
        int[] ports = distinct(5);
        return new InfrastructurePorts(ports[0], ports[1], ports[2], ports[3], ports[4]);
    }

    /** {@code count} free ports, held open together while they are picked so that they are distinct. */
    static int[] distinct(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                held.add(new ServerSocket(0));
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
