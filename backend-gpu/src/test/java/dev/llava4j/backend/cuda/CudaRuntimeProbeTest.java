package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver probe and the backend's registration behave on every machine: without a driver the probe gives a
 * reason (twice the same, no exception), the CPU keeps its backend, and CUDA work fails with that reason.
 */
class CudaRuntimeProbeTest {

    @Test
    void probeNeverThrowsAndIsStable() {
        boolean first = assertDoesNotThrow(CudaRuntime::available);
        assertEquals(first, CudaRuntime.available(), "the answer is cached");
        List<String> info = assertDoesNotThrow(CudaRuntime::describe);
        assertFalse(info.isEmpty());
        info.forEach(System.out::println);  // the CI log shows what this machine has
        if (first) {
            assertNull(CudaRuntime.unavailableReason());
            assertFalse(CudaRuntime.devices().isEmpty());
            CudaDeviceInfo d = CudaRuntime.devices().getFirst();
            assertTrue(d.computeMajor() >= 3 && d.totalMemoryBytes() > 0, d.toString());
            assertTrue(CudaRuntime.driverCudaVersion() >= 11000, "driver CUDA version " + CudaRuntime.driverCudaVersion());
            assertTrue(info.getFirst().startsWith("CUDA: driver"), info.getFirst());
        } else {
            String reason = CudaRuntime.unavailableReason();
            assertNotNull(reason);
            assertEquals(reason, CudaRuntime.unavailableReason(), "the first failure's reason is kept");
            assertTrue(CudaRuntime.devices().isEmpty());
            assertEquals("CUDA: not available (" + reason + ")", info.getFirst());
        }
    }

    @Test
    void withoutDriverTheReasonNamesTheMissingPiece() {
        if (CudaRuntime.available()) {
            return;  // nothing to check on a GPU machine
        }
        String reason = CudaRuntime.unavailableReason();
        assertTrue(reason.contains("libcuda") || reason.contains("cuInit") || reason.contains("disabled")
                || reason.contains("no GPU"), reason);
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, CudaRuntime::requireAvailable);
        assertTrue(e.getMessage().startsWith("CUDA is not available: "), e.getMessage());
    }

    @Test
    void registrationLeavesTheCpuBackendInCharge() {
        Backend cuda = Backends.byName("cuda");
        assertInstanceOf(CudaBackend.class, cuda);
        assertEquals(Device.CUDA, cuda.device());
        assertEquals(24, cuda.nativeOps().size());
        assertEquals(Device.CPU, Backends.forDevice(Device.CPU).device());
        assertEquals("cpu", Backends.forDevice(Device.CPU).name());
        assertEquals(cuda, Backends.forDevice(Device.CUDA));
        // CPU tensors keep working with the CUDA backend on the class path
        Tensor t = Tensor.of(new float[]{1, 2, 3}, 3).mul(2.0);
        assertEquals(12.0, t.sum().item(), 0.0);
    }

    @Test
    void cudaWorkWithoutGpuFailsWithTheReason() {
        if (CudaRuntime.available()) {
            return;
        }
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaTensors.empty(DType.F32, 4));
        assertTrue(e.getMessage().contains(CudaRuntime.unavailableReason()), e.getMessage());
        Tensor host = Tensor.of(new float[]{1, 2}, 2);
        Backend cuda = Backends.byName("cuda");
        assertThrows(CudaUnavailableException.class, () -> cuda.fill(host, 1.0));
    }
}
