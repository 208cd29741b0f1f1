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
        List<ServerSocket> held = new ArrayList<>();
        try {
            // Held open together so the five are distinct.
            for (int i = 0; i < 5; i++) {
                held.add(new ServerSocket(0));
            }
            return new InfrastructurePorts(held.get(0).getLocalPort(), held.get(1).getLocalPort(),
                    held.get(2).getLocalPort(), held.get(3).getLocalPort(), held.get(4).getLocalPort());
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
