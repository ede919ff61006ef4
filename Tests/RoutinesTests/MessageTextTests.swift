import Routines
import Testing

@Suite struct MessageTextTests {
    @Test(arguments: [
        (-20.0, 1, false, "-20.0"), (3.25, 2, true, "+3.25"), (-0.04, 1, true, "+0.0"), (0.05, 1, false, "0.1"),
        (-5.55, 1, false, "-5.6"), (12.0, 0, false, "12"), (0.999, 2, false, "1.00"), (-70.0, 1, true, "-70.0"),
    ])
    func fixedDecimals(value: Double, digits: Int, sign: Bool, expected: String) {
        #expect(value.fixed(digits, sign: sign) == expected)
    }
}
