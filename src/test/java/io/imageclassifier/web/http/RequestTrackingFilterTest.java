package io.imageclassifier.web.http;

import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class RequestTrackingFilterTest {

    private final PredictionOutcomes outcomes = mock(PredictionOutcomes.class);
    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final AsyncContext async = mock(AsyncContext.class);
    private AsyncListener whenAnswered;

    @BeforeEach
    void anAsynchronousPredictRequestPassesThrough() throws Exception {
        when(request.getServletPath()).thenReturn(PredictServlet.PATH);
        when(request.getMethod()).thenReturn("POST");
        when(request.isAsyncStarted()).thenReturn(true);
        when(request.getAsyncContext()).thenReturn(async);
        when(response.getStatus()).thenReturn(200);   // what a response reports before anything is set

        new RequestTrackingFilter(outcomes).doFilter(request, response, mock(FilterChain.class));

        ArgumentCaptor<AsyncListener> listener = ArgumentCaptor.forClass(AsyncListener.class);
        verify(async).addListener(listener.capture());
        whenAnswered = listener.getValue();
    }

    @Test
    void countsAnAnsweredRequestUnderItsStatus() throws Exception {
        whenAnswered.onComplete(null);

        verify(outcomes).recordPrediction(eq(200), anyLong());
    }

    @Test
    void countsARequestWhoseClientWentAwayAs499NotAsServed() throws Exception {
        whenAnswered.onError(null);
        whenAnswered.onComplete(null);

        verify(outcomes).recordPrediction(eq(RequestTrackingFilter.CLIENT_CLOSED_REQUEST), anyLong());
    }
}
